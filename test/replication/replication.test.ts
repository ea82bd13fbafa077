// Replication properties over random fault scenarios (in-test network driver, replication manager alone):
// safety after every step, and after the faults stop: convergence within the stated bound, durability of
// acknowledged updates, deletes stick, profiles converge.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from './fc-params.js';
import { cmdArb, runScenario, type Cmd } from './scenario.js';

const file = 'test/replication/replication.test.ts';
const nodes = 4;

function scenarios(o: { diskLoss: boolean; crashes: boolean }): fc.Arbitrary<Cmd[]> {
  return fc.array(cmdArb({ nodes, ...o }), { minLength: 5, maxLength: 120 });
}

describe('replication under loss, duplication, reordering, slow disks and crashes', () => {
  for (const [replicas, ackReplicas] of [
    [1, 1],
    [2, 2],
    [2, 1],
    [3, 2],
  ] as const) {
    it(`R=${replicas} ack=${ackReplicas}: replicas only move forward, and after heal every replica converges within the bound, acknowledged updates survive, deletes stick`, () => {
      fc.assert(
        fc.property(scenarios({ diskLoss: false, crashes: true }), (cmds) => {
          const out = runScenario(cmds, { nodes, replicas, ackReplicas });
          expect(out.problems.join('\n')).toBe('');
        }),
        propertyParams(`replication R=${replicas} ack=${ackReplicas}`, file),
      );
    });
  }

  it('R=2 ack=2 and R=3 ack=2: an update acknowledged with k copies survives the loss of fewer than k disks', () => {
    fc.assert(
      fc.property(scenarios({ diskLoss: true, crashes: true }), fc.constantFrom(2, 3), (cmds, replicas) => {
        const out = runScenario(cmds, { nodes, replicas, ackReplicas: 2 });
        expect(out.problems.join('\n')).toBe('');
      }),
      propertyParams('replication durability under disk loss', file),
    );
  });

  it('profiles converge: concurrent profile writes at different replicas under skewed clocks end equal everywhere', () => {
    const profileOnly = fc.array(
      fc.oneof(
        { weight: 3, arbitrary: fc.record({ kind: fc.constant('profile' as const), user: fc.nat(1), coordPick: fc.nat(3) }) },
        { weight: 8, arbitrary: cmdArb({ nodes, diskLoss: false, crashes: true }).filter((c) => c.kind !== 'store' && c.kind !== 'delete') },
      ),
      { maxLength: 100 },
    );
    const skews = fc.array(fc.integer({ min: -500, max: 500 }), { minLength: nodes, maxLength: nodes });
    fc.assert(
      fc.property(profileOnly, skews, (cmds, sk) => {
        const out = runScenario(cmds, { nodes, replicas: 3, ackReplicas: 2, skews: sk });
        expect(out.problems.join('\n')).toBe('');
        for (const user of ['u0', 'u1']) {
          const seen = new Set(out.net.ids.map((id) => JSON.stringify(out.net.objectAt(id, `p/${user}`)?.value ?? null)).filter((v) => v !== 'null'));
          expect(seen.size).toBeLessThanOrEqual(1);
        }
      }),
      propertyParams('profiles converge', file),
    );
  });
});
