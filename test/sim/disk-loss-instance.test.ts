// Issue 8: message ids (and so POP3 UIDLs) stay unique when a node loses its disk. A data directory's first
// boot draws its `instance` from Env.entropy and persists it; the simulator's loseDisk fault wipes the disk,
// so the node's next boot draws a new one, and ids minted after the loss never repeat those minted before.
import { describe, expect, it } from 'vitest';
import { emptyHardState } from '../../src/pure/hard-state.js';
import { stepNode, initialNodeState } from '../../src/pure/node.js';
import { makeConfig, NO_FAULTS, runSimulation } from '../../src/sim/index.js';

describe('the data-directory instance in message ids', () => {
  it('a lost disk (simulated loseDisk) comes back with a new instance; a plain restart keeps it', () => {
    const seen: string[] = [];
    runSimulation(
      makeConfig({ seed: 5, nodes: 3, users: 10, messages: 30, faults: NO_FAULTS, schedule: [{ kind: 'restart', atMs: 6000, node: 'n2' }, { kind: 'loseDisk', atMs: 9000, node: 'n2' }] }),
      {
        invariant: (world) => {
          const instance = world.nodes[1].disk.durable.instance;
          if (instance !== undefined && seen.at(-1) !== instance) seen.push(instance);
          return undefined;
        },
      },
    );
    // The first disk's instance (kept across the restart at 6 s), then the replacement disk's.
    expect(seen).toHaveLength(2);
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('the first boot persists the instance drawn from its step entropy with the incarnation write', () => {
    const config = { nodes: ['n1'], loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 1000 } as const;
    const booted = stepNode(initialNodeState(), { kind: 'boot', self: 'n1', hard: emptyHardState(), config }, { now: 0, entropy: 123456789 });
    const write = booted.effects.find((e) => e.kind === 'persist');
    expect(write).toMatchObject({ write: { kind: 'incarnation', incarnation: 1, instance: (123456789).toString(36) } });
  });
});
