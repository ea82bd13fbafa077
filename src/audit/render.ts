// The report in Markdown (to paste into a pull request) and as one self-contained HTML page. Both lead with
// the verdict paragraph, then the same five sections as tables.
import type { AuditReport, CostRow } from './model.js';

const short = (c: string): string => c.slice(0, 10);
const fmt = (x: number | null, digits = 2): string => (x === null || !Number.isFinite(x) ? 'n/a' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : x.toFixed(digits));
const ratio = (r: CostRow): string => (r.ratio === null ? 'n/a' : `×${r.ratio.toFixed(3)}`);
const j = (v: unknown, max = 400): string => {
  const s = v === undefined ? 'undefined' : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}…` : s;
};

interface Table {
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

interface Section {
  readonly title: string;
  readonly text?: readonly string[];
  readonly tables: readonly Table[];
}

/** The report as sections of text and tables: one model, two renderings. */
function sections(r: AuditReport): Section[] {
  const out: Section[] = [];
  const b = r.behaviour;
  out.push({
    title: '1. Behaviour',
    text: [`${b.identical} of ${r.runs} runs identical; ${b.diverged.length} diverged; ${b.incomparable.length} could not be compared (seeds ${r.seed}…${r.seed + r.runs - 1}).`],
    tables: [
      {
        head: ['run', 'seed', 'scenario', 'first divergence', 'BASE event', 'HEAD event', 'differences'],
        rows: b.diverged.map((d) => [
          String(d.run), String(d.seed), d.scenario, d.step === null ? `line ${d.line} (header)` : `step ${d.step} (line ${d.line})`,
          j(d.base, 240), j(d.head, 240),
          d.diff.slice(0, 8).map((x) => `${x.path}: ${j(x.base, 60)} → ${j(x.head, 60)}`).join('; ') + (d.diff.length > 8 ? ` (+${d.diff.length - 8} more)` : ''),
        ]),
      },
      ...(b.incomparable.length > 0 ? [{ head: ['run', 'why not compared'], rows: b.incomparable.map((x) => [String(x.run), x.reason]) }] : []),
    ],
  });
  const c = r.checks;
  out.push({
    title: '2. Checks',
    text: [
      `Anomalies after the convergence bound: BASE ${c.anomaliesAfterBound.base}, HEAD ${c.anomaliesAfterBound.head}.`,
      c.newFailures.length === 0 ? 'No check fails at HEAD where it passed at BASE.' : `${c.newFailures.length} new failure(s) at HEAD:`,
    ],
    tables: [
      { head: ['check', 'runs failing at BASE', 'runs failing at HEAD'], rows: c.rows.map((x) => [`${x.check}${x.soft ? ' (soft)' : ''}`, String(x.baseFailures), String(x.headFailures)]) },
      ...(c.newFailures.length > 0
        ? [{ head: ['check', 'run', 'example', 'replay', 'trace'], rows: c.newFailures.map((f) => [f.check, `${f.run} (seed ${f.seed}, ${f.scenario})`, f.example, f.replay, f.viewer ?? f.trace]) }]
        : []),
      ...(c.runErrors.length > 0 ? [{ head: ['side', 'run', 'error'], rows: c.runErrors.map((e) => [e.side, String(e.run), e.error]) }] : []),
    ],
  });
  const s = r.specs;
  const mc = (m: { verdict: string; distinct: number | null; diameter: number | null; detail?: string } | undefined): string =>
    m === undefined ? '—' : `${m.verdict}${m.detail !== undefined ? ` (${m.detail})` : ''}, ${fmt(m.distinct, 0)} distinct, diameter ${fmt(m.diameter, 0)}`;
  const val = (v: { valid: number; invalid: number; unsupported: number } | undefined): string =>
    v === undefined ? '—' : `${v.valid} valid, ${v.invalid} invalid${v.unsupported > 0 ? `, ${v.unsupported} not validated (the revision cannot map these traces)` : ''}`;
  const covChanged = s.coverage.filter((x) => (x.base === 0) !== (x.head === 0));
  out.push({
    title: '3. Specs',
    text: [
      ...(s.skipped !== undefined ? [s.skipped + '.'] : []),
      covChanged.length === 0 ? 'No spec action stopped or started being exercised by the runs.' : `Actions whose exercise changed: ${covChanged.map((x) => `${x.spec}!${x.action} (${x.base} → ${x.head})`).join(', ')}.`,
    ],
    tables: [
      ...(s.models.length > 0 ? [{ head: ['model', 'BASE', 'HEAD'], rows: s.models.map((m) => [m.model, mc(m.base), mc(m.head)]) }] : []),
      ...(s.validation.length > 0 ? [{ head: ['spec', 'traces at BASE', 'traces at HEAD'], rows: s.validation.map((v) => [v.spec, val(v.base), val(v.head)]) }] : []),
      { head: ['spec', 'action', 'steps at BASE', 'steps at HEAD'], rows: s.coverage.map((x) => [x.spec, x.action, String(x.base), String(x.head)]) },
    ],
  });
  out.push({
    title: '4. Cost',
    text: [`Per acknowledged message over the ${r.runs} audit runs (deterministic counts); deliveries per CPU second: median of ${r.cost.samples / 2 || 0} interleaved samples per revision, noise = (max − min) / median.`],
    tables: [{ head: ['metric', 'BASE', 'HEAD', 'HEAD/BASE', 'noise', ''], rows: r.cost.rows.map((x) => [x.metric, fmt(x.base), fmt(x.head), ratio(x), `±${(x.noise * 100).toFixed(1)}%`, x.regressed ? 'REGRESSED' : '']) }],
  });
  const nm = r.names;
  const ch = (x: { added: readonly string[]; removed: readonly string[] }): string => (x.added.length + x.removed.length === 0 ? 'unchanged' : [...x.added.map((a) => `+${a}`), ...x.removed.map((a) => `−${a}`)].join(', '));
  out.push({
    title: '5. Names',
    tables: [{ head: ['kind', 'added / removed'], rows: [['trace events', ch(nm.traceEvents)], ['message kinds', ch(nm.messageKinds)], ['spec actions', ch(nm.specActions)]] }],
  });
  return out;
}

const mdCell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(r: AuditReport): string {
  const lines = [
    `# porcupine audit: ${r.base.label} (${short(r.base.commit)}) → ${r.head.label} (${short(r.head.commit)})`,
    '',
    `**Verdict${r.exitCode === 0 ? '' : ' — REGRESSED'}.** ${r.verdict}`,
    '',
  ];
  for (const s of sections(r)) {
    lines.push(`## ${s.title}`, '');
    for (const t of s.text ?? []) lines.push(t, '');
    for (const t of s.tables) {
      if (t.rows.length === 0) continue;
      lines.push(`| ${t.head.map(mdCell).join(' | ')} |`, `|${t.head.map(() => '---').join('|')}|`);
      for (const row of t.rows) lines.push(`| ${row.map(mdCell).join(' | ')} |`);
      lines.push('');
    }
  }
  return lines.join('\n');
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderHtml(r: AuditReport): string {
  const body: string[] = [
    `<h1>porcupine audit: ${esc(r.base.label)} <code>${short(r.base.commit)}</code> → ${esc(r.head.label)} <code>${short(r.head.commit)}</code></h1>`,
    `<p id="verdict" class="${r.exitCode === 0 ? 'ok' : 'bad'}"><strong>Verdict${r.exitCode === 0 ? '' : ' — REGRESSED'}.</strong> ${esc(r.verdict)}</p>`,
  ];
  for (const s of sections(r)) {
    body.push(`<section><h2>${esc(s.title)}</h2>`);
    for (const t of s.text ?? []) body.push(`<p>${esc(t)}</p>`);
    for (const t of s.tables) {
      if (t.rows.length === 0) continue;
      body.push('<table><thead><tr>' + t.head.map((h) => `<th>${esc(h)}</th>`).join('') + '</tr></thead><tbody>');
      for (const row of t.rows) body.push('<tr>' + row.map((cell) => `<td${cell === 'REGRESSED' ? ' class="bad"' : ''}>${esc(cell)}</td>`).join('') + '</tr>');
      body.push('</tbody></table>');
    }
    body.push('</section>');
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>porcupine audit ${short(r.base.commit)}…${short(r.head.commit)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222;padding:0 1em}
h1{font-size:1.4em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
#verdict{padding:.8em 1em;border-radius:6px} .ok{background:#e8f6ea;border:1px solid #9ccfa4} .bad{background:#fdecea;border:1px solid #e6a39b}
table{border-collapse:collapse;margin:.6em 0;width:100%} th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top;font-size:13px;word-break:break-word}
th{background:#f4f4f4;white-space:nowrap} td.bad{color:#a00;font-weight:bold} code{background:#f4f4f4;padding:0 3px}
</style></head><body>
${body.join('\n')}
</body></html>
`;
}
