// STYLE.md habit 8 / DESIGN.md §5: three lists stay in sync —
//   1. the trace action names of the code: src/pure/trace-actions.ts, plus the events the simulator records
//      itself (src/sim/trace.ts: SIM_TRACE_ACTIONS, i.e. Crash and Restart from faults.ts),
//   2. the actions of spec/MailStore.tla (the operators its Next calls),
//   3. the refinement mapping (src/conformance/mailstore.ts: mailStoreArgs, one entry per action),
// and for each action the mapping yields as many arguments as the spec's action label has.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceActions } from '../../src/pure/trace-actions.js';
import { SIM_TRACE_ACTIONS } from '../../src/sim/index.js';
import { loadWithCfg } from '../../src/tla/cli/load.js';
import { getParser, parseText, type Module } from '../../src/tla/parse/index.js';
import { nextActions } from './spec-actions.js';
import { reachableLabels, repoRoot, specPath } from './harness.js';
import { mailArgs, mailStoreActions as mappedActions, mailStoreArgs as argMapping } from '../../src/conformance/index.js';

const simTraceActions: readonly string[] = SIM_TRACE_ACTIONS;

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();

/** Names of the module's operators that Next refers to (its disjuncts, through \E). */
const specActions = (file = specPath): Promise<string[]> => nextActions(file, { withParams: true });

describe('trace names, spec actions and refinement mapping agree', () => {
  it("the mapping's own events are the simulator's list (src/sim/trace.ts SIM_TRACE_ACTIONS: Crash, Restart)", () => {
    // That the simulator records no other name is checked on real runs: trace-conformance.test.ts.
    expect(sorted(simTraceActions)).toEqual(sorted(SIM_TRACE_ACTIONS));
    expect(sorted(SIM_TRACE_ACTIONS)).toEqual(['Crash', 'Restart']);
  });

  it('the code and the simulator name no event the other does too', () => {
    expect(traceActions.filter((a) => simTraceActions.includes(a))).toEqual([]);
  });

  it("the spec's Next calls exactly the trace's actions", async () => {
    expect(await specActions()).toEqual(sorted([...traceActions, ...simTraceActions]));
  });

  it('the refinement mapping has one entry per trace action', () => {
    expect(sorted(Object.keys(argMapping))).toEqual(sorted([...traceActions, ...simTraceActions]));
    expect(sorted(mappedActions)).toEqual(sorted(Object.keys(argMapping)));
  });

  it("the mapping gives each action as many arguments as the spec's label binds", async () => {
    const { spec, ops } = await loadWithCfg(path.join(repoRoot, 'spec/MCMailStore.tla'));
    const { arity } = reachableLabels(spec, ops);
    const ev = { i: 1, node: 'n1', action: '', args: { user: 'u1', msgId: 'm1', msgIds: ['m1'], at: 'n2', code: 250, kind: 'message' }, state: {} };
    for (const a of mappedActions) expect(argMapping[a]({ ...ev, t: 0, action: a }, { metaBefore: [] }).length, a).toBe(arity.get(a));
  });

  it("spec/PorcupineMail.tla's Next calls exactly the trace's actions; its mapping has one entry per action, with the operator's arity", async () => {
    const file = path.join(repoRoot, 'spec/PorcupineMail.tla');
    expect(await specActions(file)).toEqual(sorted([...traceActions, ...simTraceActions]));
    const args = mailArgs(['u1']);
    expect(sorted(Object.keys(args))).toEqual(sorted([...traceActions, ...simTraceActions]));
    // Next binds each operator's parameters in order (\E x \in S : Op(n, x)), so label arity = operator arity.
    const [mod] = parseText(await getParser(), readFileSync(file, 'utf8'), file) as Module[];
    const arity = new Map(mod.units.flatMap((u) => (u.kind === 'opDef' ? [[u.name, u.params.length] as const] : [])));
    const ev = { i: 1, t: 0, node: 'n1', action: '', args: { user: 'u1', msgId: 'm1', msgIds: ['m1'], at: 'n2', code: 250, kind: 'message', objectId: 'm/u1/m1' }, state: {} };
    for (const [a, map] of Object.entries(args)) expect(map({ ...ev, action: a }, { metaBefore: [] }).length, a).toBe(arity.get(a));
  });
});
