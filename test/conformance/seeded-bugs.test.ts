// Seeded bugs caught by trace validation (issue 9): the simulator runs the real node with one seeded bug
// flag set (src/pure/replication/bugs.ts, injected at boot through NodeConfig.replicationBugs), and the run's
// trace, mapped to spec/MailStore.tla, must fail validation at the step that shows the bug; the same run
// without the flag must validate.
import { describe, expect, it } from 'vitest';
import { makeConfig, type SimConfig } from '../../src/sim/index.js';
import { traceLines, withBootConfig } from './bug-runs.js';
import { validateSimTrace } from '../../src/conformance/index.js';
import { describeFailure } from '../../src/tla/trace/index.js';
import { specPath } from '../spec/harness.js';

// R = 2 with ackReplicas = 2 (the default) and slow disks: a participant's ack races its own write.
const config = (seed: number): SimConfig =>
  makeConfig({ seed, nodes: 3, users: 3, messages: 10, node: { replicas: 2 }, diskLatencyMs: 20, workload: { popFraction: 0.3, arrivalIntervalMs: 20 } });

describe('seeded bugs caught by validation against MailStore', () => {
  for (const seed of [1, 2]) {
    it(`the coordinator acknowledges before persisting (ackBeforePersist), seed ${seed}: a 250 Ack with fewer than ackReplicas durable copies`, async () => {
      const buggy = traceLines(config(seed), withBootConfig({ replicationBugs: { ackBeforePersist: true } }));
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
      const fine = await validateSimTrace(specPath, traceLines(config(seed)));
      expect(fine.result.ok).toBe(true);
    });
  }
});
