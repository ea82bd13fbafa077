// A hand-written LoadedSpec for back-end tests: states are arrays of small integers, actions are JS
// functions. It lets the checker's algorithms be tested without the TLA+ front end.
import type { ActionLabel, ExprHandle, LoadedSpec, SourceLoc, State, TemporalFormula, Transition, Value, ValueOps } from '../../../src/tla/api.js';
import { TlaError } from '../../../src/tla/api.js';

type Nums = readonly number[];

export interface FakeExpr extends ExprHandle {
  readonly state?: (s: Nums) => unknown;
  readonly step?: (s: Nums, t: Nums) => unknown;
}

export interface FakeAction {
  readonly name: string;
  readonly next: (s: Nums) => Nums[];
}

export function loc(line: number, module = 'Fake'): SourceLoc {
  return { module, file: `${module}.tla`, line, col: 1, endLine: line, endCol: 10 };
}

let lineNo = 100;
export function pred(text: string, f: (s: Nums) => unknown): FakeExpr {
  return { loc: loc(lineNo++), text, state: f };
}
export function act(text: string, f: (s: Nums, t: Nums) => unknown): FakeExpr {
  return { loc: loc(lineNo++), text, step: f };
}

export interface FakeSpecInput {
  readonly vars: readonly string[];
  readonly init: readonly Nums[];
  readonly actions: readonly FakeAction[];
  /** Zero-arity definitions: state predicates, actions, or temporal formulas. */
  readonly defs?: Readonly<Record<string, FakeExpr>>;
  readonly temporal?: Readonly<Record<string, TemporalFormula>>;
  readonly assumptions?: readonly boolean[];
}

const asNums = (s: State): Nums => s as unknown as Nums;

export function fakeSpec(input: FakeSpecInput): LoadedSpec {
  const labels: ActionLabel[] = input.actions.map((a, i) => ({ name: a.name, args: [], loc: loc(10 + i) }));
  const defs: Record<string, ExprHandle> = { ...(input.defs ?? {}) };
  for (const k of Object.keys(input.temporal ?? {})) defs[k] ??= { loc: loc(90), text: k };
  defs.Init ??= { loc: loc(1), text: 'Init' };
  defs.Next ??= { loc: loc(2), text: 'Next' };
  const temporalByHandle = new Map<ExprHandle, TemporalFormula>();
  for (const [k, f] of Object.entries(input.temporal ?? {})) temporalByHandle.set(defs[k], f);
  return {
    moduleName: 'Fake',
    variables: input.vars,
    definition: (name) => defs[name],
    assumptions: () => (input.assumptions ?? []).map((holds, i) => ({ expr: { loc: loc(50 + i), text: `A${i}` }, holds })),
    initStates: () => input.init.map((s) => s as unknown as State),
    successors: (_next, s): Transition[] =>
      input.actions.flatMap((a, i) => a.next(asNums(s)).map((t) => ({ state: t as unknown as State, action: labels[i] }))),
    // The fake's actions take no parameters: a named step is the action's own successors.
    actionSuccessors: (name, args, s) => {
      const a = input.actions.find((x) => x.name === name);
      return a === undefined || args.length > 0 ? undefined : a.next(asNums(s)).map((t) => t as unknown as State);
    },
    evalState: (e, s) => {
      const f = (e as FakeExpr).state;
      if (!f) throw new TlaError('eval', `not a state expression: ${e.text}`);
      return f(asNums(s)) as Value;
    },
    evalStep: (e, s, t) => {
      const f = (e as FakeExpr).step;
      if (f) return f(asNums(s), asNums(t)) as Value;
      const g = (e as FakeExpr).state;
      if (g) return g(asNums(s)) as Value;
      throw new TlaError('eval', `not an action: ${e.text}`);
    },
    enabled: () => {
      throw new TlaError('unsupported', 'fake ENABLED');
    },
    temporal: (e) => temporalByHandle.get(e) ?? { kind: 'state', expr: e },
    expr: (text) => {
      throw new TlaError('unsupported', `fake expr ${text}`);
    },
  };
}

function fnv(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = ((h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}

/** ValueOps for numbers, booleans and arrays of them. */
export const fakeOps: ValueOps = {
  fingerprint: (v) => fnv(JSON.stringify(v)),
  fingerprintState: (s) => fnv(JSON.stringify(s)),
  equals: (a, b) => JSON.stringify(a) === JSON.stringify(b),
  compare: (a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0),
  print: (v) => (typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : Array.isArray(v) ? `<<${v.join(', ')}>>` : String(v)),
  toJson: (v) => v,
  toItf: (v) => (typeof v === 'number' ? { '#bigint': String(v) } : v),
  fromJson: (j) => j as Value,
  permute: (v) => v,
  permuter: () => (v) => v,
};
