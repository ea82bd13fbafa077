// What counts as a regression, and the one-paragraph verdict that leads the report. Limits are options
// (`--max-cost-ratio`, `--min-speed-ratio`): a reviewer of a change that is meant to cost more raises them.
import type { AuditReport, CostRow } from './model.js';

export interface Limits {
  /**
   * A per-message count (steps, RPCs, bytes, writes, fsyncs) above base × this regressed. Default 1.02: the
   * counts are deterministic (no noise), and one extra RPC per delivery is about +3% of a replicated
   * delivery's RPCs (membership and replication traffic included), which a reviewer should see flagged.
   */
  readonly maxCostRatio: number;
  /** Deliveries per CPU second below base × this (widened by the measured noise) regressed. Default 0.85. */
  readonly minSpeedRatio: number;
}

export const defaultLimits: Limits = { maxCostRatio: 1.02, minSpeedRatio: 0.85 };

type Draft = Omit<AuditReport, 'regressions' | 'verdict' | 'exitCode'>;

function costRegressed(r: CostRow, limits: Limits): boolean {
  if (r.ratio === null) return false;
  if (r.metric.startsWith('simulated deliveries')) return r.ratio < limits.minSpeedRatio - r.noise;
  return r.ratio > limits.maxCostRatio;
}

const pct = (ratio: number): string => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

export function decide(d: Draft, limits: Limits): AuditReport {
  const cost = { ...d.cost, rows: d.cost.rows.map((r) => ({ ...r, regressed: costRegressed(r, limits) })) };
  const regressions: string[] = [];
  for (const f of d.checks.newFailures) regressions.push(`check ${f.check} fails at HEAD in run ${f.run} (seed ${f.seed}, ${f.scenario}) where it passed at BASE`);
  for (const e of d.checks.runErrors) if (e.side === 'head' && !d.checks.runErrors.some((x) => x.side === 'base' && x.run === e.run)) regressions.push(`run ${e.run} produced no result at HEAD: ${e.error}`);
  if (d.checks.anomaliesAfterBound.head > d.checks.anomaliesAfterBound.base) {
    regressions.push(`anomalies after the convergence bound rose from ${d.checks.anomaliesAfterBound.base} to ${d.checks.anomaliesAfterBound.head}`);
  }
  for (const m of d.specs.models) {
    if (m.base?.verdict === 'ok' && m.head !== undefined && m.head.verdict !== 'ok') regressions.push(`model ${m.model}: ${m.head.verdict} at HEAD (${m.head.detail ?? ''}), ok at BASE`);
    if (m.base?.verdict === 'ok' && m.head === undefined) regressions.push(`model ${m.model} was removed`);
  }
  for (const v of d.specs.validation) {
    if (v.head !== undefined && v.head.invalid > (v.base?.invalid ?? 0)) regressions.push(`${v.head.invalid} run trace(s) are not behaviours of ${v.spec} at HEAD (BASE: ${v.base?.invalid ?? 'n/a'})`);
  }
  for (const r of cost.rows) if (r.regressed && r.ratio !== null) regressions.push(`${r.metric}: ${pct(r.ratio)} (limit ${r.metric.startsWith('simulated') ? `≥ ${pct(limits.minSpeedRatio)} − noise` : `≤ ${pct(limits.maxCostRatio)}`})`);

  const parts: string[] = [];
  const n = d.runs;
  if (d.behaviour.diverged.length === 0 && d.behaviour.incomparable.length === 0) parts.push(`No behavioural change in ${n} runs: every trace is identical at both revisions.`);
  else {
    const first = d.behaviour.diverged[0];
    parts.push(
      `Behaviour changed in ${d.behaviour.diverged.length} of ${n} runs` +
        (first !== undefined ? ` (first: run ${first.run}, seed ${first.seed}, ${first.scenario}, at ${first.step === null ? 'the trace header' : `step ${first.step}`}: BASE ${eventName(first.base)} vs HEAD ${eventName(first.head)})` : '') +
        (d.behaviour.incomparable.length > 0 ? `; ${d.behaviour.incomparable.length} run(s) could not be compared` : '') + '.',
    );
  }
  const costMoves = cost.rows.filter((r) => r.ratio !== null && Math.abs(r.ratio - 1) > Math.max(0.005, r.noise) && !r.metric.startsWith('simulated'));
  if (costMoves.length > 0) parts.push(`Cost per message changed: ${costMoves.map((r) => `${r.metric.replace(' per acknowledged message', '')} ${pct(r.ratio ?? 1)}`).join(', ')}.`);
  const named = [
    ...d.names.traceEvents.added.map((x) => `+event ${x}`), ...d.names.traceEvents.removed.map((x) => `−event ${x}`),
    ...d.names.messageKinds.added.map((x) => `+message ${x}`), ...d.names.messageKinds.removed.map((x) => `−message ${x}`),
    ...d.names.specActions.added.map((x) => `+action ${x}`), ...d.names.specActions.removed.map((x) => `−action ${x}`),
  ];
  if (named.length > 0) parts.push(`Names: ${named.join(', ')}.`);
  parts.push(regressions.length === 0 ? 'Nothing regressed.' : `Regressed (${regressions.length}): ${regressions.join('; ')}.`);
  return { ...d, cost, regressions, verdict: parts.join(' '), exitCode: regressions.length === 0 ? 0 : 1 };
}

function eventName(e: unknown): string {
  if (typeof e === 'object' && e !== null) {
    const o = e as { action?: unknown; node?: unknown };
    if (typeof o.action === 'string') return `${o.action}${typeof o.node === 'string' ? `@${o.node}` : ''}`;
    return 'header';
  }
  return String(e);
}
