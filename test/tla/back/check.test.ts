// Counting, verdicts and traces of the explorer on hand-made state machines. Expected numbers are derived
// by hand in each test's comment from TLC's rules (conformance README).
import { describe, expect, it } from 'vitest';
import { checkSpec, reportLines } from '../../../src/tla/check/index.js';
import { parseCfg } from '../../../src/tla/cfg/index.js';
import type { TemporalFormula } from '../../../src/tla/api.js';
import { act, fakeOps, fakeSpec, pred, type FakeAction } from './fake-spec.js';

const inc: FakeAction = { name: 'Inc', next: ([x]) => (x < 3 ? [[x + 1]] : []) };
const stay: FakeAction = { name: 'Stay', next: ([x]) => [[x]] };
const reset: FakeAction = { name: 'Reset', next: ([x]) => (x === 3 ? [[0]] : []) };
const run = (spec: ReturnType<typeof fakeSpec>, cfg: string) => checkSpec(spec, fakeOps, parseCfg(cfg));

describe('explorer counting (TLC rules)', () => {
  it('counts self-loops as generated and the initial state as distinct', () => {
    // init 0 (gen 1); each of 0..3 yields Stay, 0..2 also Inc: 1 + 4 + 3 = 8 generated, 4 distinct.
    const r = run(fakeSpec({ vars: ['x'], init: [[0]], actions: [inc, stay] }), 'INIT Init NEXT Next');
    expect(r.verdict.kind).toBe('success');
    expect(r.stats).toMatchObject({ generated: 8, distinct: 4, queueLeft: 0, depth: 4 });
  });

  it('reports a deadlock when the state is dequeued, with its trace', () => {
    // 0 -> 1 -> 2 -> 3, and 3 has no successor: generated 4, distinct 4, nothing left on the queue.
    const r = run(fakeSpec({ vars: ['x'], init: [[0]], actions: [inc] }), 'INIT Init NEXT Next');
    expect(r.verdict.kind).toBe('deadlock');
    expect(r.stats).toMatchObject({ generated: 4, distinct: 4, queueLeft: 0 });
    const tr = r.verdict.kind === 'deadlock' ? r.verdict.trace.steps : [];
    expect(tr.map((s) => s.state)).toEqual([[0], [1], [2], [3]]);
    expect(tr.map((s) => s.action?.name)).toEqual([undefined, 'Inc', 'Inc', 'Inc']);
  });

  it('checks invariants on new successors as soon as they are generated', () => {
    // expand 0: Inc->1 (gen 2), Stay->0 (gen 3); expand 1: Inc->2 (gen 4) violates x < 2. distinct 3;
    // the violating state is counted but not enqueued, so nothing is left on the queue.
    const spec = fakeSpec({ vars: ['x'], init: [[0]], actions: [inc, stay], defs: { Small: pred('x < 2', ([x]) => x < 2) } });
    const r = run(spec, 'INIT Init NEXT Next INVARIANT Small');
    expect(r.verdict).toMatchObject({ kind: 'invariant', name: 'Small' });
    expect(r.stats).toMatchObject({ generated: 4, distinct: 3, queueLeft: 0 });
    const text = reportLines(r, spec, fakeOps).join('\n');
    expect(text).toContain('Error: Invariant Small is violated.\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 0\n');
    expect(text).toContain('State 3: <Inc line 10, col 1 to line 10, col 10 of module Fake>\n/\\ x = 2');
    expect(text).toContain('4 states generated, 3 distinct states found, 0 states left on queue.');
  });

  it('checks invariants on constraint-excluded successors but does not count them as distinct', () => {
    // CONSTRAINT x <= 1: 0, 1 explored; expanding 1 generates 2 (gen 3), excluded but checked: violates x < 2.
    const spec = fakeSpec({
      vars: ['x'],
      init: [[0]],
      actions: [inc],
      defs: { Small: pred('x < 2', ([x]) => x < 2), Bound: pred('x <= 1', ([x]) => x <= 1) },
    });
    const r = run(spec, 'INIT Init NEXT Next CONSTRAINT Bound INVARIANT Small');
    expect(r.verdict.kind).toBe('invariant');
    expect(r.stats).toMatchObject({ generated: 3, distinct: 2, queueLeft: 0, depth: 2 });
  });

  it('does not call a state whose successors are all excluded by the constraint a deadlock', () => {
    const spec = fakeSpec({ vars: ['x'], init: [[0]], actions: [inc, reset], defs: { Bound: pred('x <= 1', ([x]) => x <= 1) } });
    const r = run(spec, 'INIT Init NEXT Next CONSTRAINT Bound');
    expect(r.verdict.kind).toBe('success');
    expect(r.stats).toMatchObject({ generated: 3, distinct: 2 });
  });

  it('checks action properties on transitions to already-seen states', () => {
    // Reset 3 -> 0 goes to a seen state; [][x' > x]_x is violated there. 0..3 then Reset: gen 5, distinct 4.
    const spec = fakeSpec({
      vars: ['x'],
      init: [[0]],
      actions: [inc, reset],
      defs: { Up: act("x' > x", ([x], [y]) => y > x), V: pred('x', ([x]) => x) },
      temporal: { Mono: { kind: 'boxAction', action: act("x' > x", ([x], [y]) => y > x), vars: pred('x', ([x]) => x), loc: { module: 'Fake', file: 'F', line: 7, col: 1, endLine: 7, endCol: 9 } } },
    });
    const r = run(spec, 'INIT Init NEXT Next PROPERTY Mono');
    expect(r.verdict).toMatchObject({ kind: 'actionProperty', name: 'Mono' });
    expect(r.stats).toMatchObject({ generated: 5, distinct: 4 });
    const steps = r.verdict.kind === 'actionProperty' ? r.verdict.trace.steps : [];
    expect(steps.map((s) => s.state)).toEqual([[0], [1], [2], [3], [0]]);
  });

  it('reports the first false assumption without exploring', () => {
    const r = run(fakeSpec({ vars: ['x'], init: [[0]], actions: [inc], assumptions: [true, false] }), 'INIT Init NEXT Next');
    expect(r.verdict).toMatchObject({ kind: 'assumption', loc: { line: 51 } });
    expect(r.stats).toBeUndefined();
  });

  it('deduplicates by VIEW', () => {
    // x, y with y = step parity: view x only => 4 distinct; generated 1 + 3 = 4.
    const spec = fakeSpec({
      vars: ['x', 'y'],
      init: [[0, 0]],
      actions: [{ name: 'Inc', next: ([x, y]) => (x < 3 ? [[x + 1, 1 - y]] : []) }],
      defs: { V: pred('x', ([x]) => x) },
    });
    const r = run(spec, 'INIT Init NEXT Next VIEW V CHECK_DEADLOCK FALSE');
    expect(r.stats).toMatchObject({ generated: 4, distinct: 4 });
  });
});

describe('liveness on the explored graph', () => {
  const P = (text: string, f: (s: readonly number[]) => boolean): TemporalFormula => ({ kind: 'state', expr: pred(text, f) });
  const incA = act('Inc', ([x], [y]) => y === x + 1);
  const vx = pred('x', ([x]) => x);
  const specWith = (temporal: Record<string, TemporalFormula>, actions = [inc]) =>
    fakeSpec({ vars: ['x'], init: [[0]], actions, temporal });

  it('<>P without fairness is violated by stuttering', () => {
    const spec = specWith({
      Spec: { kind: 'and', parts: [P('Init', () => true), { kind: 'boxAction', action: act('Next', () => true), vars: vx, loc: { module: 'Fake', file: 'F', line: 1, col: 1, endLine: 1, endCol: 1 } }] },
      Ev: { kind: 'eventually', sub: P('x = 3', ([x]) => x === 3) },
    });
    const r = run(spec, 'SPECIFICATION Spec PROPERTY Ev CHECK_DEADLOCK FALSE');
    expect(r.verdict).toMatchObject({ kind: 'temporal', name: 'Ev', trace: { loop: { kind: 'stutter' } } });
    const text = reportLines(r, spec, fakeOps).join('\n');
    expect(text).toContain('Error: Temporal property Ev was violated.');
    expect(text).toMatch(/State \d+: Stuttering/);
  });

  const fairSpec = (prop: TemporalFormula, actions = [inc]) =>
    specWith(
      {
        Spec: {
          kind: 'and',
          parts: [
            P('Init', () => true),
            { kind: 'boxAction', action: act('Next', () => true), vars: vx, loc: { module: 'Fake', file: 'F', line: 1, col: 1, endLine: 1, endCol: 1 } },
            { kind: 'weakFair', action: incA, vars: vx },
          ],
        },
        Prop: prop,
      },
      actions,
    );

  it('<>P holds under WF of the action that reaches P', () => {
    const r = run(fairSpec({ kind: 'eventually', sub: P('x = 3', ([x]) => x === 3) }), 'SPECIFICATION Spec PROPERTY Prop CHECK_DEADLOCK FALSE');
    expect(r.verdict.kind).toBe('success');
  });

  it('[]<>P is violated by a lasso that never returns to P', () => {
    const r = run(fairSpec({ kind: 'always', sub: { kind: 'eventually', sub: P('x = 0', ([x]) => x === 0) } }), 'SPECIFICATION Spec PROPERTY Prop CHECK_DEADLOCK FALSE');
    expect(r.verdict.kind).toBe('temporal');
  });

  it('[]<>P holds when a fair cycle keeps returning (WF Inc, Reset unfair but the only way on)', () => {
    // From 3 only Reset is possible, but it is not fair: stuttering at 3 is allowed => violated.
    const r = run(fairSpec({ kind: 'always', sub: { kind: 'eventually', sub: P('x = 0', ([x]) => x === 0) } }, [inc, reset]), 'SPECIFICATION Spec PROPERTY Prop');
    expect(r.verdict.kind).toBe('temporal');
    const loop = r.verdict.kind === 'temporal' ? r.verdict.trace.loop : undefined;
    expect(loop).toEqual({ kind: 'stutter' });
  });

  it('P ~> Q violated and <>[]P held are told apart', () => {
    const leads: TemporalFormula = { kind: 'leadsTo', lhs: P('x = 1', ([x]) => x === 1), rhs: P('x = 0', ([x]) => x === 0) };
    expect(run(fairSpec(leads), 'SPECIFICATION Spec PROPERTY Prop CHECK_DEADLOCK FALSE').verdict.kind).toBe('temporal');
    const evAlways: TemporalFormula = { kind: 'eventually', sub: { kind: 'always', sub: P('x = 3', ([x]) => x === 3) } };
    expect(run(fairSpec(evAlways), 'SPECIFICATION Spec PROPERTY Prop CHECK_DEADLOCK FALSE').verdict.kind).toBe('success');
  });
});

describe('progress reporting', () => {
  it('calls onProgress with running counts on long runs', () => {
    const long: FakeAction = { name: 'Step', next: ([x]) => (x < 2000 ? [[x + 1]] : [[0]]) };
    const seen: number[] = [];
    const r = checkSpec(fakeSpec({ vars: ['x'], init: [[0]], actions: [long] }), fakeOps, parseCfg('INIT Init NEXT Next'), {
      progressMs: 0,
      onProgress: (s) => seen.push(s.distinct),
    });
    expect(r.stats?.distinct).toBe(2001);
    expect(seen.length).toBeGreaterThan(10);
    expect(seen.every((d, i) => i === 0 || d >= seen[i - 1])).toBe(true);
  });
});
