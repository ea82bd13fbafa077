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
});

// The same runs against spec/PorcupineReplication.tla (one behaviour per message): reordered and duplicated
// pushes deliver older versions late, which the seeded bug applies over newer ones.
const replicationSpec = specPath.replace(/MailStore\.tla$/, 'PorcupineReplication.tla');
const reordering = (seed: number): SimConfig =>
  makeConfig({
    seed, nodes: 3, users: 3, messages: 10, node: { replicas: 2 }, diskLatencyMs: 20,
    faults: { dupRate: 0.1, reorderRate: 0.3, reorderDelayMsMax: 60 },
    workload: { popFraction: 0.3, deleteProbability: 0.6, arrivalIntervalMs: 20 },
  });

describe('seeded bugs caught by validation against PorcupineReplication', () => {
  const cases: { name: string; bugs: ReplicationBugs; seed: number; action: string }[] = [
    { name: 'a participant applies an older update (applyWithoutCompare): an older version made durable over a newer one', bugs: { applyWithoutCompare: true }, seed: 3, action: 'ReplPersist' },
    { name: 'an acknowledgement before the write is durable (ackBeforePersist): the caller answered with fewer than ackReplicas durable copies', bugs: { ackBeforePersist: true }, seed: 1, action: 'ReplDurable' },
  ];
  for (const c of cases) {
    it(`${c.name}, seed ${c.seed}`, async () => {
      const buggy = trace(reordering(c.seed), withBugs(c.bugs));
      const v = await validateSimTrace(replicationSpec, buggy);
      expect(v.result.ok).toBe(false);
      if (v.result.ok) return;
      const f = v.result.failure;
      // The step that caught it is printed: its line in the original trace and the action there.
      expect(describeFailure(f)[0]).toMatch(new RegExp(`^Trace validation failed at line ${f.line}: .*${c.action}`));
      expect(f.expectedAction).toBe(c.action);
      expect(JSON.parse(buggy[f.line - 1])).toMatchObject({ action: c.action });
      const fine = await validateSimTrace(replicationSpec, trace(reordering(c.seed)));
      expect(fine.result.ok, fine.result.ok ? '' : describeFailure(fine.result.failure).join('\n')).toBe(true);
    });
  }
});
