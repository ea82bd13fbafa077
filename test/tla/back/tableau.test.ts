// The general tableau search (ltl.ts + tableau-search.ts) must agree with the direct checks of
// liveness.ts on every liveness property of the conformance suite, and handle shapes the direct checks
// do not (checked here on hand-made specs with answers derived by hand).
import { describe, expect, it } from 'vitest';
import type { TemporalFormula } from '../../../src/tla/api.js';
import { explore } from '../../../src/tla/check/explore.js';
import { checkLiveness } from '../../../src/tla/check/liveness.js';
import { buildPlan, type LiveProperty } from '../../../src/tla/check/plan.js';
import { checkSpec } from '../../../src/tla/check/index.js';
import { parseCfg } from '../../../src/tla/cfg/index.js';
import { loadWithCfg } from '../../../src/tla/cli/load.js';
import { act, fakeOps, fakeSpec, pred, type FakeAction } from './fake-spec.js';
import { conformanceDir } from './helpers.js';

function asFormula(p: LiveProperty): TemporalFormula {
  const s = p.shape;
  switch (s.kind) {
    case 'eventually':
      return { kind: 'eventually', sub: s.p };
    case 'infinitelyOften':
      return { kind: 'always', sub: { kind: 'eventually', sub: s.p } };
    case 'eventuallyAlways':
      return { kind: 'eventually', sub: { kind: 'always', sub: s.p } };
    case 'leadsTo':
      return { kind: 'leadsTo', lhs: s.p, rhs: s.q };
    case 'fair':
      return s.fairness.kind === 'wf'
        ? { kind: 'weakFair', action: s.fairness.action, vars: s.fairness.vars }
        : { kind: 'strongFair', action: s.fairness.action, vars: s.fairness.vars };
    case 'general':
      return s.formula;
  }
}

const cases = ['LiveWFHolds', 'LiveStutter', 'LiveLassoWF', 'LiveSFHolds', 'LiveEvAlwaysViol', 'LeadsToViol', 'RefineMixedRadix', 'LwwConverge', 'LwwTieDiverge'];

describe('tableau search agrees with the direct liveness checks', () => {
  for (const name of cases) {
    it(`${name}: same verdict for every temporal property`, async () => {
      const dir = conformanceDir();
      const l = await loadWithCfg(`${dir}/${name}.tla`, `${dir}/${name}.cfg`);
      const plan = buildPlan(l.spec, l.cfg);
      const res = explore(l.spec, l.ops, { ...plan, checkDeadlock: false }, { recordGraph: true });
      const graph = res.graph;
      if (graph === undefined) throw new Error('no graph recorded');
      expect(plan.liveProperties.length).toBeGreaterThan(0);
      for (const p of plan.liveProperties) {
        const direct = checkLiveness(l.spec, l.ops, { ...plan, liveProperties: [p] }, graph);
        const general: LiveProperty = { ...p, shape: { kind: 'general', formula: asFormula(p) } };
        const viaTableau = checkLiveness(l.spec, l.ops, { ...plan, liveProperties: [general] }, graph);
        expect(viaTableau.kind, `${name} ${p.name} ${p.shape.kind}`).toBe(direct.kind);
        if (viaTableau.kind === 'temporal') expect(viaTableau.trace.loop).toBeDefined();
      }
    });
  }
});

describe('general temporal formulas', () => {
  // x counts 0 -> 1 -> 2 -> 3 then Reset to 0; WF on both actions: the cycle runs forever.
  const inc: FakeAction = { name: 'Inc', next: ([x]) => (x < 3 ? [[x + 1]] : []) };
  const reset: FakeAction = { name: 'Reset', next: ([x]) => (x === 3 ? [[0]] : []) };
  const vx = pred('x', ([x]) => x);
  const P = (text: string, f: (s: readonly number[]) => boolean): TemporalFormula => ({ kind: 'state', expr: pred(text, f) });
  const loc = { module: 'Fake', file: 'F', line: 1, col: 1, endLine: 1, endCol: 1 };
  const spec = (prop: TemporalFormula) =>
    fakeSpec({
      vars: ['x'],
      init: [[0]],
      actions: [inc, reset],
      temporal: {
        Spec: {
          kind: 'and',
          parts: [
            P('Init', () => true),
            { kind: 'boxAction', action: act('Next', () => true), vars: vx, loc },
            { kind: 'weakFair', action: act('Inc', ([x], [y]) => y === x + 1), vars: vx },
            { kind: 'weakFair', action: act('Reset', ([x], [y]) => x === 3 && y === 0), vars: vx },
          ],
        },
        Prop: prop,
      },
    });
  const verdict = (prop: TemporalFormula) => checkSpec(spec(prop), fakeOps, parseCfg('SPECIFICATION Spec PROPERTY Prop')).verdict.kind;

  it('[](x = 3 => <>[](x # 3)) is violated (3 keeps coming back) and []<>(x = 3) /\\ []<>(x = 0) holds as one formula', () => {
    const bad: TemporalFormula = { kind: 'always', sub: { kind: 'implies', lhs: P('x = 3', ([x]) => x === 3), rhs: { kind: 'eventually', sub: { kind: 'always', sub: P('x # 3', ([x]) => x !== 3) } } } };
    expect(verdict(bad)).toBe('temporal');
    const good: TemporalFormula = {
      kind: 'or',
      parts: [
        { kind: 'always', sub: { kind: 'eventually', sub: P('x = 3', ([x]) => x === 3) } },
        { kind: 'eventually', sub: { kind: 'always', sub: P('x = 9', ([x]) => x === 9) } },
      ],
    };
    expect(verdict(good)).toBe('success');
  });

  it('<>(x = 2 /\\ <>(x = 0)) holds and <>[](x = 1) \\/ <>[](x = 2) is violated', () => {
    const nested: TemporalFormula = { kind: 'eventually', sub: { kind: 'and', parts: [P('x = 2', ([x]) => x === 2), { kind: 'eventually', sub: P('x = 0', ([x]) => x === 0) }] } };
    expect(verdict(nested)).toBe('success');
    const either: TemporalFormula = {
      kind: 'or',
      parts: [
        { kind: 'eventually', sub: { kind: 'always', sub: P('x = 1', ([x]) => x === 1) } },
        { kind: 'eventually', sub: { kind: 'always', sub: P('x = 2', ([x]) => x === 2) } },
      ],
    };
    expect(verdict(either)).toBe('temporal');
  });

  it('<><<Reset>>_x holds under WF(Reset), and [](x = 3 => [][Reset]_x) is violated after a Reset then Inc', () => {
    const resets: TemporalFormula = { kind: 'diamondAction', action: act('Reset', ([x], [y]) => x === 3 && y === 0), vars: vx, loc };
    expect(verdict(resets)).toBe('success');
    const onlyResets: TemporalFormula = { kind: 'always', sub: { kind: 'implies', lhs: P('x = 3', ([x]) => x === 3), rhs: { kind: 'boxAction', action: act('Reset', ([x], [y]) => x === 3 && y === 0), vars: vx, loc } } };
    expect(verdict(onlyResets)).toBe('temporal');
  });
});
