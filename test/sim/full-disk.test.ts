// The simulator reaches the reducer's `persistFailed` input: a node whose disk is full (World.fullDisks)
// fails its writes, deliveries that needed them are refused with a temporary error and retried, and no
// acknowledged message is lost — the same checks as every simulated run.
import { describe, expect, it } from 'vitest';
import { checkers, makeConfig, NO_FAULTS, runSimulation } from '../../src/sim/index.js';

describe('simulated full disk', () => {
  it('a node with a full disk fails writes as persistFailed; every acknowledged message is still durable and retrievable', () => {
    let failed = 0;
    const r = runSimulation(
      makeConfig({ seed: 3, nodes: 3, users: 20, messages: 80, faults: NO_FAULTS }),
      {
        invariant: (world, _node, input) => {
          world.fullDisks.add('n2'); // from the first step on
          if (input.kind === 'persistFailed') failed++;
          return undefined;
        },
      },
    );
    expect(failed).toBeGreaterThan(0);
    const all = checkers.checkAll(r);
    expect(all.filter((c) => !c.ok).map((c) => `${c.name}: ${c.examples.join('; ')}`)).toEqual([]);
    expect(r.history.acked.size).toBeGreaterThan(0);
  });
});
