// Seeded membership bugs caught by trace validation against spec/PorcupineMembership.tla (issue 9): the
// simulator runs the real node with one flag of src/pure/membership/bugs.ts set at every boot
// (NodeConfig.membershipBugs), and the run's trace must fail validation at the step that shows the bug,
// printed with its line; the same run without the flag must validate. (The model checker catches the same
// two bugs written into the spec: test/spec/membership-spec.test.ts.)
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { makeConfig, type SimConfig } from '../../src/sim/index.js';
import { traceLines, withBootConfig } from './bug-runs.js';
import { validateSimTrace } from '../../src/conformance/index.js';
import { describeFailure } from '../../src/tla/trace/index.js';
import { repoRoot } from '../spec/harness.js';

const spec = path.join(repoRoot, 'spec/PorcupineMembership.tla');

// n2 crashes, is cut off from the others, and restarts alone: its first proposal hears of no epoch.
const config = (seed: number): SimConfig =>
  makeConfig({
    seed,
    nodes: 3,
    users: 3,
    messages: 6,
    schedule: [
      { kind: 'crash', atMs: 1000, node: 'n2' },
      { kind: 'partition', atMs: 2000, groups: [['n2'], ['n1', 'n3']] },
      { kind: 'restart', atMs: 3000, node: 'n2' },
      { kind: 'healNetwork', atMs: 6000 },
    ],
    workload: { arrivalIntervalMs: 200 },
  });

/** Validates the buggy run, expects a failure at an event named `action`, returns that event and the report. */
async function caught(bugs: MembershipBugs, seed: number, action: string): Promise<{ event: Record<string, unknown>; report: string }> {
  const buggy = traceLines(config(seed), withBootConfig({ membershipBugs: bugs }));
  const v = await validateSimTrace(spec, buggy);
  expect(v.result.ok).toBe(false);
  if (v.result.ok) throw new Error('unreachable');
  const f = v.result.failure;
  const report = describeFailure(f).join('\n');
  // The step that caught it is printed: its line of the trace file and the action.
  expect(report).toMatch(new RegExp(`^Trace validation failed at line ${f.line}: .*${action}`));
  expect(f.expectedAction).toBe(action);
  const fine = await validateSimTrace(spec, traceLines(config(seed)));
  expect(fine.result.ok, fine.result.ok ? '' : describeFailure(fine.result.failure).join('\n')).toBe(true);
  return { event: JSON.parse(buggy[f.line - 1]) as Record<string, unknown>, report };
}

describe('seeded membership bugs caught by validation against PorcupineMembership', () => {
  for (const seed of [1, 2]) {
    it(`round 3 is sent before round 2 closes (commitBeforeRoundCloses), seed ${seed}: a CommitEpoch listing nodes that never accepted`, async () => {
      const { event } = await caught({ commitBeforeRoundCloses: true }, seed, 'CommitEpoch');
      expect(event).toMatchObject({ action: 'CommitEpoch', args: { members: ['n1', 'n2', 'n3'] } });
    });

    it(`two coordinators install different views in one epoch (epochFromLamportOnly), seed ${seed}: the restarted node proposes a used epoch`, async () => {
      const { event } = await caught({ epochFromLamportOnly: true }, seed, 'ProposeEpoch');
      // Its new incarnation forgot every epoch: it proposes 1, which n1..n3 already committed.
      expect(event).toMatchObject({ action: 'ProposeEpoch', node: 'n2', args: { epoch: 1 } });
    });
  }
});
