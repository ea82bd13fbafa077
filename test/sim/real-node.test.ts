// The simulator driving the real node reducer (src/pure/node.ts) end to end.
import { describe, expect, it } from 'vitest';
import { checkers, makeConfig, replayTrace, runSimulation, summarize } from '../../src/sim/index.js';

describe('the real node in the simulator', () => {
  it('a fault-free 5-node run acknowledges every message and passes every checker', () => {
    const r = runSimulation(makeConfig({ nodes: 5, users: 200, messages: 300, seed: 3 }));
    const checks = checkers.checkAll(r);
    const s = summarize(r, checks);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(s.acknowledged).toBe(300);
    expect(s.retrievable + s.deletedByClients).toBe(300);
  });

  it('with loss, duplication and reordering the same seed gives byte-identical traces and replay says OK', () => {
    const config = makeConfig({ nodes: 4, users: 100, messages: 150, seed: 11, faults: { lossRate: 0.05, dupRate: 0.05, reorderRate: 0.1 }, trace: { checkpointEverySteps: 500 } });
    const run = (): string => {
      const lines: string[] = [];
      runSimulation(config, { trace: { sink: (l) => lines.push(l), version: 'test' } });
      return lines.join('\n') + '\n';
    };
    const a = run();
    expect(run()).toBe(a);
    expect(a).toContain('"kind":"checkpoint"');
    expect(replayTrace(a)).toMatchObject({ ok: true });
  });
});
