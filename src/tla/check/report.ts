// Prints a CheckResult in TLC's text format (compare ../shared/tla-conformance/*.expected.txt beside the repository), and
// writes counterexamples as TLC's `-dumpTrace json` array of states and as Apalache's ITF.
import type { ActionLabel, LoadedSpec, State, ValueOps } from '../api.js';
import { locText } from './plan.js';
import type { CheckResult, Stats, Trace, Verdict } from './result.js';

export function actionText(a: ActionLabel, ops: ValueOps): string {
  const args = a.args.length > 0 ? `(${a.args.map((v) => ops.print(v)).join(',')})` : '';
  return `<${a.name}${args} ${locText(a.loc)}>`;
}

export function stateLines(vars: readonly string[], s: State, ops: ValueOps): string[] {
  return vars.map((v, i) => `/\\ ${v} = ${ops.print(s[i])}`);
}

/** How a state is printed in a trace: the variables, or an ALIAS's fields (alias.ts). */
export type StatePrinter = (s: State) => string[];

/** The "State N: ..." blocks of a trace (each followed by a blank line) and its lasso end. */
export function traceLines(vars: readonly string[], t: Trace, ops: ValueOps, printer?: StatePrinter): string[] {
  const show = printer ?? ((s: State) => stateLines(vars, s, ops));
  const out: string[] = [];
  t.steps.forEach((st, i) => {
    out.push(`State ${i + 1}: ${st.action ? actionText(st.action, ops) : '<Initial predicate>'}`);
    out.push(...show(st.state), '');
  });
  if (t.loop?.kind === 'backTo') out.push(`Back to state ${t.loop.index}: ${actionText(t.loop.action, ops)}`, '');
  if (t.loop?.kind === 'stutter') out.push(`State ${t.steps.length + 1}: Stuttering`);
  return out;
}

const BEHAVIOR = 'Error: The behavior up to this point is:';

export function verdictLines(v: Verdict, vars: readonly string[], ops: ValueOps, printer?: StatePrinter): string[] {
  const tr = (t: Trace): string[] => traceLines(vars, t, ops, printer);
  switch (v.kind) {
    case 'success':
      return ['Model checking completed. No error has been found.'];
    case 'invariant':
      return [`Error: Invariant ${v.name} is violated.`, BEHAVIOR, ...tr(v.trace)];
    case 'initProperty':
      return [`Error: Property ${v.name} is violated by the initial state:`, ...stateLines(vars, v.trace.steps[0].state, ops), ''];
    case 'deadlock':
      return ['Error: Deadlock reached.', BEHAVIOR, ...tr(v.trace)];
    case 'actionProperty':
      return [`Error: Action property ${v.name} is violated.`, BEHAVIOR, ...tr(v.trace)];
    case 'temporal':
      return [
        v.names && v.names.length > 1 ? `Error: Temporal properties ${v.names.slice(0, -1).join(', ')} and ${v.names[v.names.length - 1]} were violated.` : `Error: Temporal property ${v.name} was violated.`, '', 'Error: The following behavior constitutes a counter-example:', '', ...tr(v.trace)];
    case 'assumption':
      return [`Error: Assumption ${locText(v.loc)} is false.`];
    case 'error': {
      const msg = v.message.split('\n');
      // The front end appends our own location line; TLC prints the nested positions instead.
      if (v.nested && msg.length > 1 && /^line \d+, col \d+ to line/.test(msg[msg.length - 1])) msg.pop();
      const out = [`Error: ${msg[0]}`, ...msg.slice(1)];
      if (v.trace) out.push(BEHAVIOR, ...tr(v.trace));
      const where = v.nested ?? (v.loc ? [v.loc] : []);
      if (where.length > 0) {
        out.push('Error: The error occurred when TLC was evaluating the nested', 'expressions at the following positions:');
        where.forEach((l, i) => out.push(`${i}. Line ${l.line}, column ${l.col} to line ${l.endLine}, column ${l.endCol} in ${l.module}`));
        out.push('', '');
      }
      return out;
    }
  }
}

function sci(x: number): string {
  if (x === 0) return '0.0';
  const [m, e] = x.toExponential(1).split('e');
  return `${m}E${Number(e) < 0 ? '-' : ''}${Math.abs(Number(e))}`;
}

export function countLines(s: Stats, success: boolean): string[] {
  const out: string[] = [];
  if (success) {
    const p = (s.distinct * Math.max(0, s.generated - s.distinct)) / 2 ** 64;
    out.push('  Estimates of the probability that TLC did not check all reachable states');
    out.push('  because two distinct states had the same fingerprint:');
    out.push(`  calculated (optimistic):  val = ${sci(p)}`);
  }
  out.push(`${s.generated} states generated, ${s.distinct} distinct states found, ${s.queueLeft} states left on queue.`);
  out.push(`The depth of the complete state graph search is ${s.depth}.`);
  if (success) {
    const o = s.outdegree;
    out.push(
      `The average outdegree of the complete state graph is ${Math.round(o.mean)} (minimum is ${o.min}, the maximum ${o.max} and the 95th percentile is ${o.p95}).`,
    );
  }
  return out;
}

/** TLC's timestamp format: `2026-11-24 17:56:53` (local time). */
export function stamp(d = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The full report after "Starting...": verdict, temporal lines, counts. */
export function reportLines(r: CheckResult, spec: LoadedSpec, ops: ValueOps, printer?: StatePrinter): string[] {
  const out: string[] = (r.warnings ?? []).map((w) => `Warning: ${w}`);
  if (r.temporalCount > 0) out.push(`Implied-temporal checking--satisfiability problem has ${r.temporalCount} branches.`);
  if (r.stats) {
    out.push('Computing initial states...');
    for (let k = 2; k <= r.stats.initial; k *= 2) out.push(`Computed ${k} initial states...`);
    out.push(`Finished computing initial states: ${r.stats.initial} distinct state${r.stats.initial === 1 ? '' : 's'} generated at ${stamp()}.`);
  }
  const v = r.verdict;
  const st = r.stats;
  const n = r.temporalCount;
  const liveDone = n > 0 && st !== undefined && (v.kind === 'success' || v.kind === 'temporal');
  const finished = `Finished checking temporal properties in ${String(Math.floor(st ? st.elapsedMs / 1000 : 0)).padStart(2, '0')}s at ${stamp()}`;
  if (liveDone && st) {
    out.push(`Progress(${st.depth}) at ${stamp()}: ${st.generated} states generated, ${st.distinct} distinct states found, 0 states left on queue.`);
    const what = n > 1 ? `${n} branches of temporal properties` : 'temporal properties';
    out.push(`Checking ${what} for the complete state space with ${st.distinct * n} total distinct states at (${stamp()})`);
    // TLC closes the temporal check before its success line, but after printing a counterexample.
    if (v.kind === 'success') out.push(finished);
  }
  out.push(...verdictLines(v, spec.variables, ops, printer));
  if (liveDone && v.kind === 'temporal') out.push(finished);
  if (r.stats) out.push(...countLines(r.stats, v.kind === 'success'));
  const secs = Math.floor((r.stats?.elapsedMs ?? 0) / 1000);
  out.push(`Finished in ${String(secs).padStart(2, '0')}s at (${stamp()})`);
  return out;
}

/**
 * TLC's `-dumpTrace json` shape (TLCExt's CounterExample serialised): states as [id, {var: value}] pairs
 * (ids 1-based) and actions as [[from, vars], {name, location}, [to, vars]]; a lasso adds the action back to
 * the loop's state. Values use ValueOps.toJson (sets as {"#set": [...]}, functions as {"#map": ...}).
 */
export function traceToJson(vars: readonly string[], t: Trace, ops: ValueOps): unknown {
  const rec = (k: number): [number, Record<string, unknown>] => [
    k + 1,
    Object.fromEntries(vars.map((v, i) => [v, ops.toJson(t.steps[k].state[i])])),
  ];
  const act = (a: ActionLabel): Record<string, unknown> => ({
    name: a.name,
    ...(a.args.length > 0 ? { args: a.args.map((v) => ops.toJson(v)) } : {}),
    location: { beginLine: a.loc.line, beginColumn: a.loc.col, endLine: a.loc.endLine, endColumn: a.loc.endCol, module: a.loc.module },
  });
  const state = t.steps.map((_, k) => rec(k));
  const action: unknown[] = [];
  t.steps.forEach((st, k) => {
    if (k > 0 && st.action) action.push([rec(k - 1), act(st.action), rec(k)]);
  });
  if (t.loop?.kind === 'backTo') action.push([rec(t.steps.length - 1), act(t.loop.action), rec(t.loop.index - 1)]);
  return { counterexample: { state, action } };
}

/** Apalache's Informal Trace Format (ITF). A lasso's loop start is given as `loop` (0-based). */
export function traceToItf(moduleName: string, vars: readonly string[], t: Trace, ops: ValueOps): unknown {
  const states = t.steps.map((st, k) => ({
    '#meta': { index: k, ...(st.action ? { action: actionText(st.action, ops) } : {}) },
    ...Object.fromEntries(vars.map((v, i) => [v, ops.toItf(st.state[i])])),
  }));
  const itf: Record<string, unknown> = {
    '#meta': { format: 'ITF', 'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html', source: moduleName, description: 'Counterexample from porcupine tla check' },
    vars: [...vars],
    states,
  };
  if (t.loop?.kind === 'backTo') itf.loop = t.loop.index - 1;
  if (t.loop?.kind === 'stutter') itf.loop = t.steps.length - 1;
  return itf;
}

export function verdictTrace(v: Verdict): Trace | undefined {
  switch (v.kind) {
    case 'invariant':
    case 'initProperty':
    case 'deadlock':
    case 'actionProperty':
    case 'temporal':
      return v.trace;
    case 'error':
      return v.trace;
    case 'success':
    case 'assumption':
      return undefined;
  }
}
