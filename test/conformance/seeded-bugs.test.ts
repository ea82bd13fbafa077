// Seeded bugs caught by trace validation (issue 9): the simulator runs the real node with one seeded bug
// flag set (src/pure/replication/bugs.ts, injected at boot through NodeConfig.replicationBugs), and the run's
// trace, mapped to spec/MailStore.tla, must fail validation at the step that shows the bug; the same run
// without the flag must validate.
import { describe, expect, it } from 'vitest';
import type { ReplicationBugs } from '../../src/pure/replication/bugs.js';
import { makeConfig, porcupineReducer, runSimulation, type NodeReducer, type SimConfig } from '../../src/sim/index.js';
import { validateSimTrace } from '../../src/conformance/index.js';
import { describeFailure } from '../../src/tla/trace/index.js';
import { specPath } from '../spec/harness.js';

/** The real reducer with seeded replication bugs switched on at every boot. */
function withBugs(bugs: ReplicationBugs): NodeReducer<unknown> {
  const real = porcupineReducer as NodeReducer<unknown>;
  return {
    ...real,
    step: (s, input, env) => real.step(s, input.kind === 'boot' ? { ...input, config: { ...input.config, replicationBugs: bugs } } : input, env),
  };
}

function trace(config: SimConfig, reducer?: NodeReducer<unknown>): string[] {
  const lines: string[] = [];
  runSimulation(config, { ...(reducer === undefined ? {} : { reducer }), trace: { sink: (l) => lines.push(l), version: 'seeded-bug-test' } });
  return lines;
}

// R = 2 with ackReplicas = 2 (the default) and slow disks: a participant's ack races its own write.
const config = (seed: number): SimConfig =>
  makeConfig({ seed, nodes: 3, users: 3, messages: 10, node: { replicas: 2 }, diskLatencyMs: 20, workload: { popFraction: 0.3, arrivalIntervalMs: 20 } });

/** Checks that the buggy run fails validation at a `Deliver`, and that the same run without the bug validates. */
async function expectCaughtAtDeliver(config: SimConfig, bugs: ReplicationBugs): Promise<void> {
  const buggy = trace(config, withBugs(bugs));
  const v = await validateSimTrace(specPath, buggy);
  expect(v.result.ok).toBe(false);
  if (v.result.ok) return;
  const f = v.result.failure;
  // The proxy is told the copy is durable at the coordinator (Deliver) before the coordinator's write is.
  expect(f.expectedAction).toBe('Deliver');
  const event = JSON.parse(buggy[f.line - 1]) as { action: string; args: { at: string } };
  expect(event.action).toBe('Deliver');
  const fine = await validateSimTrace(specPath, trace(config));
  expect(fine.result.ok).toBe(true);
}

describe('seeded bugs caught by validation against MailStore', () => {
  for (const seed of [1, 2]) {
    it(`the coordinator acknowledges before persisting (ackBeforePersist), seed ${seed}: a 250 Ack with fewer than ackReplicas durable copies`, async () => {
      const buggy = trace(config(seed), withBugs({ ackBeforePersist: true }));
      const v = await validateSimTrace(specPath, buggy);
      expect(v.result.ok).toBe(false);
      if (v.result.ok) return;
      const f = v.result.failure;
      const report = describeFailure(f).join('\n');
      // The step that caught it is printed: its line, the action, and the event is a 250 reply.
      expect(report).toMatch(new RegExp(`^Trace validation failed at line ${f.line}: Ack is not enabled`));
      expect(f.expectedAction).toBe('Ack');
      expect(JSON.parse(buggy[f.line - 1])).toMatchObject({ action: 'Ack', args: { code: 250 } });
      expect(report.length).toBeLessThan(5000); // the enabled labels are abbreviated
      const fine = await validateSimTrace(specPath, trace(config(seed)));
      expect(fine.result.ok).toBe(true);
    });
  }

  // The coordinator pushes in parallel with its own write (docs/replication.md "Parallel push"); a slow disk
  // at the coordinator lets the participant's ack arrive first. Counting the coordinator's copy before it is
  // durable then tells the proxy its copy is stored at the coordinator (Deliver) when it is not yet.
  const slowCoordinatorDisk = (seed: number): SimConfig => ({ ...config(seed), diskServiceMsByNode: { n1: 30, n2: 30, n3: 30 } });
  for (const seed of [1, 2]) {
    it(`the coordinator counts its own copy before it is durable (coordinatorAckBeforePersist), seed ${seed}: a Deliver before the coordinator's Store`, async () => {
      await expectCaughtAtDeliver(slowCoordinatorDisk(seed), { coordinatorAckBeforePersist: true });
    });
  }
});
