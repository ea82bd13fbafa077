// The simulator driving the real node reducer (src/pure/node.ts) end to end.
import { describe, expect, it } from 'vitest';
import { checkers, makeConfig, replayTrace, runSimulation, summarize, type World } from '../../src/sim/index.js';

describe('the real node in the simulator', () => {
  it('a fault-free 5-node run acknowledges every message, passes every hard checker and keeps every message on at most R nodes', () => {
    let world: World<unknown> | undefined;
    const wide: string[] = []; // message updates that targeted more than R nodes
    const config = makeConfig({ nodes: 5, users: 200, messages: 300, seed: 3 });
    const R = config.node.replicas ?? 1;
    const r = runSimulation(config, {
      invariant: (w) => void (world = w),
      trace: {
        version: 'test',
        objects: (l) => {
          const a = l.args as { kind?: string; objectId?: string; targets?: readonly string[] } | undefined;
          if (l.action === 'ReplUpdate' && a?.kind === 'message' && (a.targets?.length ?? 0) > R) wide.push(`${a.objectId} → ${a.targets?.join(',')}`);
        },
      },
    });
    const checks = checkers.checkAll(r);
    const s = summarize(r, checks);
    // Every hard check passes. The soft spread bound (spread × R nodes per user) is not asserted here: when a
    // user's first messages arrive at several proxies at once, each chooses with an empty or one-node mail map
    // and may add up to R new nodes (docs/decisions.md "Spread in the fault-free 5-node run"); which nodes
    // depends on timing and random draws. What replication must guarantee is checked instead: no extra copies.
    expect(checks.filter((c) => !c.ok && !c.soft)).toEqual([]);
    expect(wide).toEqual([]);
    const copies = new Map<string, number>(); // user/msgId → nodes durably holding it at the end
    for (const n of world?.nodes ?? []) n.disk.durable.fragments.forEach((frag, user) => frag.forEach((_m, msgId) => void copies.set(`${user}/${msgId}`, (copies.get(`${user}/${msgId}`) ?? 0) + 1)));
    expect(copies.size).toBeGreaterThan(0);
    expect([...copies].filter(([, c]) => c > R)).toEqual([]);
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
