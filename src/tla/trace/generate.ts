// Generates NDJSON traces by a seeded random walk through a spec's state graph: used by tests and the
// benchmark to exercise the validator on behaviours known to be valid (and, by editing one line, invalid).
import { TlaError, type LoadedSpec, type ValueOps } from '../api.js';

export interface WalkOptions {
  readonly ops: ValueOps;
  readonly steps: number;
  readonly seed: number;
  readonly init?: string;
  readonly next?: string;
  /** Variables to record in each event (default: all). */
  readonly vars?: readonly string[];
}

/** xorshift32: deterministic and dependency-free. */
function prng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

export function randomWalkTrace(spec: LoadedSpec, o: WalkOptions): string[] {
  const rnd = prng(o.seed);
  const init = spec.definition(o.init ?? 'Init');
  const next = spec.definition(o.next ?? 'Next');
  if (!init || !next) throw new TlaError('trace', 'random walk needs Init and Next definitions');
  const keep = (o.vars ?? spec.variables).map((v) => {
    const i = spec.variables.indexOf(v);
    if (i < 0) throw new TlaError('trace', `${v} is not a variable`);
    return [v, i] as const;
  });
  const stateJson = (s: readonly unknown[]): Record<string, unknown> =>
    Object.fromEntries(keep.map(([v, i]) => [v, o.ops.toJson(s[i] as never)]));
  const inits = spec.initStates(init);
  let cur = inits[Math.floor(rnd() * inits.length)];
  const lines = [JSON.stringify({ module: spec.moduleName, constants: {}, generator: 'randomWalkTrace', seed: o.seed })];
  lines.push(JSON.stringify({ i: 0, t: 0, node: 'n0', action: 'Init', state: stateJson(cur) }));
  for (let k = 1; k <= o.steps; k++) {
    const succs = spec.successors(next, cur);
    if (succs.length === 0) break;
    const tr = succs[Math.floor(rnd() * succs.length)];
    const args = tr.action.args.map((v) => o.ops.toJson(v));
    lines.push(JSON.stringify({ i: k, t: k, node: 'n0', action: tr.action.name, args, state: stateJson(tr.state) }));
    cur = tr.state;
  }
  return lines;
}
