// STYLE.md habit 8 for spec/PorcupineReplication.tla: three lists stay in sync —
//   1. the trace events the mapping reads: the replication module's (src/pure/replication/state.ts
//      replicationTraceActions), the simulator's Crash and Restart (src/sim/trace.ts) and the node's Boot,
//   2. the actions of spec/PorcupineReplication.tla (the operators its Next calls), less the spec-only ones
//      (FaultsStop: the end of the fault phase, which no trace records),
//   3. the refinement mapping (src/conformance/replication.ts: replicationArgs, one entry per event),
// and for each action the mapping yields as many arguments as the spec's action label binds.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replicationTraceActions } from '../../src/pure/replication/index.js';
import { traceActions } from '../../src/pure/trace-actions.js';
import { SIM_TRACE_ACTIONS } from '../../src/sim/index.js';
import { loadWithCfg } from '../../src/tla/cli/load.js';
import { replicationActions, replicationArgs, replicationSpecOnlyActions } from '../../src/conformance/index.js';
import { reachableLabels, repoRoot } from './harness.js';
import { nextActions } from './spec-actions.js';

const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort();
const events = sorted([...replicationTraceActions, ...SIM_TRACE_ACTIONS, 'Boot']);

describe('PorcupineReplication: trace events, spec actions and refinement mapping agree', () => {
  it('every event the mapping reads is one the code or the simulator records', () => {
    expect(events.filter((a) => !(traceActions as readonly string[]).includes(a) && !(SIM_TRACE_ACTIONS as readonly string[]).includes(a))).toEqual([]);
  });

  it("the spec's Next calls exactly those events' actions, plus the spec-only FaultsStop", async () => {
    // Next also names the sets its parameters range over.
    const actions = (await nextActions(path.join(repoRoot, 'spec/PorcupineReplication.tla'))).filter((d) => !['Kinds', 'Versions'].includes(d));
    expect(actions).toEqual(sorted([...events, ...replicationSpecOnlyActions]));
  });

  it('the refinement mapping has one entry per event', () => {
    expect(sorted(Object.keys(replicationArgs))).toEqual(events);
    expect(sorted(replicationActions)).toEqual(events);
  });

  it("the mapping gives each action as many arguments as the spec's label binds", async () => {
    const { spec, ops } = await loadWithCfg(path.join(repoRoot, 'spec/MCPorcupineReplication.tla'));
    const { arity } = reachableLabels(spec, ops);
    const tables = { nodeNo: new Map([['n1', 1]]), rank: new Map([['m/u/1', new Map([['5.0', 1]])]]), kind: new Map() };
    const ev = { i: 1, t: 0, node: 'n1', args: { objectId: 'm/u/1', ts: '5.0@n1', kind: 'message', user: 'u', msgId: '1' }, state: {} };
    for (const a of replicationActions) {
      const args = replicationArgs[a]({ ...ev, action: a }, { metaBefore: [], tables, objectId: 'm/u/1' } as Parameters<(typeof replicationArgs)[typeof a]>[1]);
      expect(args.length, a).toBe(arity.get(a));
    }
  });
});
