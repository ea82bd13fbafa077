// `porcupine audit`: builds BASE and HEAD in temporary worktrees, runs the same seeded simulations, model
// checks and trace validations at both, and compares behaviour, checks, specs, costs and names (issue 12).
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { compareTraces, traceActions } from './behaviour.js';
import type { AuditReport, CheckRow, CostRow, CoverageRow, NameChanges, NewFailure, RunDivergence } from './model.js';
import { pool, runCostSample, runNode, runSimulation, writeCpuProbe, type RunOutcome } from './probe.js';
import { treeIdOf, type BuiltRevision } from './revisions.js';
import { COST_RUN, plannedRuns, simArgs } from './scenarios.js';
import { checkModel, modelConfigs, specsOf, validateTraces, type ModelCheckResult, type ValidationResult } from './specs.js';
import { decide, type Limits } from './verdict.js';

export interface AuditOptions {
  readonly runs: number;
  readonly seed: number;
  readonly jobs: number;
  readonly out: string;
  /** Repetitions of the cost run per revision (interleaved), for deliveries per CPU second and its noise. */
  readonly costSamples: number;
  /** Model-check spec/MC*.cfg and validate traces against spec/*.tla. */
  readonly specs: boolean;
  readonly limits: Limits;
  readonly simTimeoutMs: number;
  readonly specTimeoutMs: number;
  readonly progress: (phase: string, done: number, total: number) => void;
}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

export async function audit(base: BuiltRevision, head: BuiltRevision, o: AuditOptions): Promise<AuditReport> {
  const runs = plannedRuns(o.runs, o.seed);
  const traceDir = (side: string): string => join(o.out, 'traces', side);
  // Both sides' runs go through one pool, alternating, so load on the machine falls evenly on both.
  const tasks = runs.flatMap((run) => [
    () => runSimulation(base, run, traceDir('base'), o.simTimeoutMs),
    () => runSimulation(head, run, traceDir('head'), o.simTimeoutMs),
  ]);
  const outcomes = await pool(tasks, o.jobs, (d) => o.progress('simulations', d, tasks.length));
  const baseRuns = outcomes.filter((_, i) => i % 2 === 0);
  const headRuns = outcomes.filter((_, i) => i % 2 === 1);

  const behaviour = await compareBehaviour(baseRuns, headRuns, o);
  const checks = await compareChecks(baseRuns, headRuns, head, o);
  const specs = o.specs ? await compareSpecs(base, head, baseRuns, headRuns, o) : { models: [], validation: [], coverage: await coverageOnly(base, head, baseRuns, headRuns), skipped: 'specs not checked (--no-specs)' };
  const cost = await compareCosts(base, head, baseRuns, headRuns, o);
  const names = await compareNames(base, head, baseRuns, headRuns);
  return decide({ base: ref(base), head: ref(head), runs: o.runs, seed: o.seed, behaviour, checks, specs, cost, names }, o.limits);
}

function ref(r: BuiltRevision): { label: string; commit: string } {
  return { label: r.label, commit: r.commit };
}

async function compareBehaviour(baseRuns: RunOutcome[], headRuns: RunOutcome[], o: AuditOptions): Promise<AuditReport['behaviour']> {
  let identical = 0;
  const diverged: RunDivergence[] = [];
  const incomparable: { run: number; reason: string }[] = [];
  for (let i = 0; i < baseRuns.length; i++) {
    const b = baseRuns[i];
    const h = headRuns[i];
    o.progress('traces compared', i + 1, baseRuns.length);
    if (!existsSync(b.tracePath) || !existsSync(h.tracePath)) {
      incomparable.push({ run: b.run.index, reason: b.error ?? h.error ?? 'no trace' });
      continue;
    }
    const c = await compareTraces(b.tracePath, h.tracePath);
    if (c.kind === 'identical') identical++;
    else if (c.kind === 'missing') incomparable.push({ run: b.run.index, reason: c.reason });
    else diverged.push({ run: b.run.index, seed: b.run.seed, scenario: b.run.scenario.name, line: c.line, step: c.step, base: c.base, head: c.head, diff: c.diff });
  }
  return { identical, diverged, incomparable };
}

function failed(r: RunOutcome, check: string): boolean {
  const c = r.summary?.checks.find((x) => x.name === check);
  return c !== undefined && !c.ok;
}

function anomaliesAfter(r: RunOutcome): number {
  const a = r.summary?.anomalies?.afterBound;
  if (a === undefined || a === null) return 0;
  return Object.values(a).reduce((s, v) => s + (typeof v === 'number' ? v : 0), 0);
}

async function compareChecks(baseRuns: RunOutcome[], headRuns: RunOutcome[], head: BuiltRevision, o: AuditOptions): Promise<AuditReport['checks']> {
  const names = new Map<string, boolean>();
  for (const r of [...baseRuns, ...headRuns]) for (const c of r.summary?.checks ?? []) names.set(c.name, c.soft);
  const rows: CheckRow[] = [...names].map(([check, soft]) => ({
    check, soft,
    baseFailures: baseRuns.filter((r) => failed(r, check)).length,
    headFailures: headRuns.filter((r) => failed(r, check)).length,
  }));
  const newFailures: NewFailure[] = [];
  const viewerOk = await hasViewer(head);
  for (let i = 0; i < headRuns.length; i++) {
    const h = headRuns[i];
    const b = baseRuns[i];
    for (const c of h.summary?.checks ?? []) {
      if (c.ok || c.soft || failed(b, c.name) || (b.summary === undefined)) continue;
      const viewer = viewerOk ? await renderTrace(head, h.tracePath) : undefined;
      newFailures.push({
        check: c.name, run: h.run.index, seed: h.run.seed, scenario: h.run.scenario.name,
        example: c.examples[0] ?? `${c.count} violation(s)`,
        replay: `porcupine sim ${simArgs(h.run).join(' ')}   # or: porcupine replay ${h.tracePath}`,
        trace: h.tracePath, viewer,
      });
    }
  }
  const runErrors = [
    ...baseRuns.filter((r) => r.summary === undefined).map((r) => ({ side: 'base' as const, run: r.run.index, error: r.error ?? 'no summary' })),
    ...headRuns.filter((r) => r.summary === undefined).map((r) => ({ side: 'head' as const, run: r.run.index, error: r.error ?? 'no summary' })),
  ];
  const sum = (rs: RunOutcome[]): number => rs.reduce((s, r) => s + anomaliesAfter(r), 0);
  void o;
  return { rows, newFailures, runErrors, anomaliesAfterBound: { base: sum(baseRuns), head: sum(headRuns) } };
}

const viewerCache = new Map<string, boolean>();

async function hasViewer(rev: BuiltRevision): Promise<boolean> {
  const hit = viewerCache.get(rev.dir);
  if (hit !== undefined) return hit;
  const r = await runNode([rev.cli, 'trace', 'view', '--help'], rev.dir, 30_000);
  const ok = r.code === 0;
  viewerCache.set(rev.dir, ok);
  return ok;
}

async function renderTrace(rev: BuiltRevision, trace: string): Promise<string | undefined> {
  const out = trace.replace(/\.ndjson$/, '.html');
  const r = await runNode([rev.cli, 'trace', 'view', trace, '-o', out], rev.dir, 120_000);
  return r.code === 0 && existsSync(out) ? out : undefined;
}

async function actionsOf(runs: RunOutcome[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const r of runs) if (existsSync(r.tracePath)) await traceActions(r.tracePath, counts);
  return counts;
}

async function coverageOnly(base: BuiltRevision, head: BuiltRevision, baseRuns: RunOutcome[], headRuns: RunOutcome[]): Promise<CoverageRow[]> {
  return coverage(specsOf(base.dir), specsOf(head.dir), await actionsOf(baseRuns), await actionsOf(headRuns));
}

function coverage(baseSpecs: Map<string, string[]>, headSpecs: Map<string, string[]>, baseActs: Map<string, number>, headActs: Map<string, number>): CoverageRow[] {
  const rows: CoverageRow[] = [];
  for (const spec of [...new Set([...baseSpecs.keys(), ...headSpecs.keys()])].sort()) {
    const actions = [...new Set([...(baseSpecs.get(spec) ?? []), ...(headSpecs.get(spec) ?? [])])].sort();
    for (const action of actions) rows.push({ spec, action, base: baseActs.get(action) ?? 0, head: headActs.get(action) ?? 0 });
  }
  return rows;
}

async function compareSpecs(base: BuiltRevision, head: BuiltRevision, baseRuns: RunOutcome[], headRuns: RunOutcome[], o: AuditOptions): Promise<AuditReport['specs']> {
  const cfgs = [...new Set([...modelConfigs(base.dir), ...modelConfigs(head.dir)])];
  const checkAt = async (rev: BuiltRevision, cfg: string): Promise<ModelCheckResult | undefined> =>
    existsSync(join(rev.dir, 'spec', cfg)) ? checkModel(rev, cfg, o.specTimeoutMs) : undefined;
  // With spec/ and the checker (src/tla) the same in both commits, HEAD's model checks would repeat BASE's
  // exactly (the checker is deterministic): BASE's results stand for both, which halves the costliest step.
  const same = (path: string): boolean => treeIdOf(base, path) !== undefined && treeIdOf(base, path) === treeIdOf(head, path);
  const reuse = same('spec') && same('src/tla');
  const jobs = cfgs.flatMap((cfg) => (reuse ? [() => checkAt(base, cfg)] : [() => checkAt(base, cfg), () => checkAt(head, cfg)]));
  const checked = await pool(jobs, o.jobs, (d) => o.progress(reuse ? 'models checked (spec/ and src/tla unchanged: once for both)' : 'models checked', d, jobs.length));
  const models = cfgs.map((cfg, i) => ({ model: cfg.replace(/\.cfg$/, ''), base: checked[reuse ? i : 2 * i], head: checked[reuse ? i : 2 * i + 1] }));

  const baseSpecs = specsOf(base.dir);
  const headSpecs = specsOf(head.dir);
  const validation: { spec: string; base?: ValidationResult; head?: ValidationResult }[] = [];
  const traces = (rs: RunOutcome[]): string[] => rs.filter((r) => existsSync(r.tracePath)).map((r) => r.tracePath);
  for (const spec of [...new Set([...baseSpecs.keys(), ...headSpecs.keys()])].sort()) {
    o.progress(`validating against ${spec}`, 0, 1);
    const b = baseSpecs.has(spec) ? await validateTraces(base, spec, traces(baseRuns), o.jobs, o.specTimeoutMs) : undefined;
    const h = headSpecs.has(spec) ? await validateTraces(head, spec, traces(headRuns), o.jobs, o.specTimeoutMs) : undefined;
    validation.push({ spec, base: b, head: h });
  }
  return { models, validation, coverage: coverage(baseSpecs, headSpecs, await actionsOf(baseRuns), await actionsOf(headRuns)) };
}

function perMessage(runs: RunOutcome[], pick: (c: NonNullable<NonNullable<RunOutcome['summary']>['cost']>) => number | null): number | null {
  let total = 0;
  let acked = 0;
  for (const r of runs) {
    const c = r.summary?.cost;
    if (c === undefined) return null;
    const v = pick(c);
    if (v === null) return null;
    total += v;
    acked += r.summary?.acknowledged ?? 0;
  }
  return acked === 0 ? null : total / acked;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function spread(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = median(xs);
  return m === 0 ? 0 : (Math.max(...xs) - Math.min(...xs)) / m;
}

async function compareCosts(base: BuiltRevision, head: BuiltRevision, baseRuns: RunOutcome[], headRuns: RunOutcome[], o: AuditOptions): Promise<AuditReport['cost']> {
  const row = (metric: string, b: number | null, h: number | null, noise = 0): Omit<CostRow, 'regressed'> => ({
    metric, base: b, head: h, noise, ratio: b === null || h === null || b === 0 ? null : h / b,
  });
  const rows: Omit<CostRow, 'regressed'>[] = [
    row('reducer steps per acknowledged message', perMessage(baseRuns, (c) => c.steps), perMessage(headRuns, (c) => c.steps)),
    row('RPCs per acknowledged message', perMessage(baseRuns, (c) => c.rpcs), perMessage(headRuns, (c) => c.rpcs)),
    row('bytes sent per acknowledged message', perMessage(baseRuns, (c) => c.bytesSent), perMessage(headRuns, (c) => c.bytesSent)),
    row('durable writes per acknowledged message', perMessage(baseRuns, (c) => c.durableWrites), perMessage(headRuns, (c) => c.durableWrites)),
    row('fsyncs (disk flushes) per acknowledged message', perMessage(baseRuns, (c) => c.fsyncs), perMessage(headRuns, (c) => c.fsyncs)),
  ];
  let samples = 0;
  if (o.costSamples > 0) {
    const probe = writeCpuProbe(join(o.out, 'scratch'));
    mkdirSync(join(o.out, 'scratch'), { recursive: true });
    const rates: { base: number[]; head: number[] } = { base: [], head: [] };
    // Interleaved and one at a time: CPU time is per process, but two at once still share caches and memory bandwidth.
    for (let i = 0; i < o.costSamples; i++) {
      for (const [side, rev] of [['base', base], ['head', head]] as const) {
        const r = await runCostSample(rev, COST_RUN, probe, join(o.out, 'scratch'), o.simTimeoutMs);
        if (r.summary !== undefined && r.cpuSeconds !== undefined && r.cpuSeconds > 0) rates[side].push(r.summary.acknowledged / r.cpuSeconds);
        o.progress('cost samples', ++samples, o.costSamples * 2);
      }
    }
    const b = rates.base.length > 0 ? median(rates.base) : null;
    const h = rates.head.length > 0 ? median(rates.head) : null;
    rows.push(row('simulated deliveries per CPU second', b, h, Math.max(spread(rates.base), spread(rates.head))));
  }
  return { rows: rows.map((r) => ({ ...r, regressed: false })), samples };
}

function changes(base: Iterable<string>, head: Iterable<string>): NameChanges {
  const b = new Set(base);
  const h = new Set(head);
  return { added: [...h].filter((x) => !b.has(x)).sort(), removed: [...b].filter((x) => !h.has(x)).sort() };
}

/**
 * Message kinds a revision declares: the `kind` literals of its message unions (src/pure/messages.ts and each
 * protocol's messages.ts), plus the kinds its runs sent when `observed` (both revisions must report what
 * they sent, or a kind would look added merely because only one side counts it).
 */
function messageKinds(rev: BuiltRevision, runs: RunOutcome[], observed: boolean): Set<string> {
  const kinds = new Set<string>();
  const pure = join(rev.dir, 'src', 'pure');
  const files = [join(pure, 'messages.ts')];
  if (existsSync(pure)) for (const d of readdirSync(pure, { withFileTypes: true })) if (d.isDirectory()) files.push(join(pure, d.name, 'messages.ts'));
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const m of readFileSync(file, 'utf8').matchAll(/readonly kind: '([A-Za-z0-9_]+)'/g)) kinds.add(m[1]);
  }
  if (observed) for (const r of runs) for (const k of Object.keys(r.summary?.cost?.rpcsByKind ?? {})) kinds.add(k);
  return kinds;
}

async function compareNames(base: BuiltRevision, head: BuiltRevision, baseRuns: RunOutcome[], headRuns: RunOutcome[]): Promise<AuditReport['names']> {
  const specActionNames = (dir: string): string[] => [...specsOf(dir)].flatMap(([spec, acts]) => acts.map((a) => `${spec}!${a}`));
  return {
    traceEvents: changes((await actionsOf(baseRuns)).keys(), (await actionsOf(headRuns)).keys()),
    messageKinds: (() => {
      const observed = [...baseRuns, ...headRuns].every((r) => r.summary === undefined || r.summary.cost !== undefined);
      return changes(messageKinds(base, baseRuns, observed), messageKinds(head, headRuns, observed));
    })(),
    specActions: changes(specActionNames(base.dir), specActionNames(head.dir)),
  };
}
