// PORCUPINE.md "Self-management" / issue 4: a node added with no operator is noticed through probes, gets
// user-map buckets, and starts receiving new mail through load balancing — and no existing mail moves to it.
import { describe, expect, it } from 'vitest';
import type { NodeState } from '../../src/pure/node.js';
import { makeConfig, runSimulation, type World } from '../../src/sim/index.js';

const JOIN_AT_MS = 1_000; // into the fault phase, which starts after the 2 s warm-up

describe('node addition without an operator', () => {
  it('a new node n5 joins a 4-node cluster: it manages buckets, stores new mail, and holds no mail older than its join', () => {
    let n5 = -1;
    let finalWorld: World<unknown> | undefined;
    const r = runSimulation(
      makeConfig({
        seed: 11,
        nodes: 4,
        users: 200,
        messages: 400,
        node: { replicas: 2 },
        schedule: [{ kind: 'join', atMs: JOIN_AT_MS, node: 'n5' }],
        workload: { distribution: 'uniform', popFraction: 0, arrivalIntervalMs: 20 },
      }),
      {
        // Checkers may look into nodes from outside; keep a handle on the world to read n5's state at the end.
        invariant: (world) => {
          finalWorld = world;
          if (n5 < 0) n5 = world.nodes.findIndex((s) => s.id === 'n5');
          return undefined;
        },
      },
    );
    expect(r.reconfig.joins).toBe(1);
    expect(n5).toBeGreaterThanOrEqual(0);
    const state = finalWorld?.nodes[n5].state as NodeState;
    // Noticed and admitted: n5 is a member and manages its share of the 256 buckets (⌊256/5⌋ or ⌈256/5⌉).
    expect(state.members).toContain('n5');
    const managed = state.userMap.filter((b) => b.node === 'n5').length;
    expect([51, 52]).toContain(managed);
    // Receives new mail through load balancing: n5's disk holds messages at the end.
    const heldAtN5 = new Set<string>();
    state.hard.fragments.forEach((msgs) => msgs.forEach((_, msgId) => heldAtN5.add(msgId)));
    expect(heldAtN5.size).toBeGreaterThan(0);
    // No existing mail moved: no message acknowledged before the join is on n5's disk at the end.
    const joinedAt = r.config.phases.warmupMs + JOIN_AT_MS;
    const before = [...r.history.acked.values()].filter((m) => m.ackedAt < joinedAt);
    expect(before.length).toBeGreaterThan(10);
    const moved = before.filter((m) => heldAtN5.has(m.msgId)).map((m) => m.msgId);
    expect(moved).toEqual([]);
  });
});
