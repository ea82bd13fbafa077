// Membership, user map and soft state of the real node reducer in the simulator, under random faults:
// crashes, restarts, nodes replaced by new ones, partitions and merges, message loss, duplication and
// reordering, with mail delivered and deleted throughout. After the faults stop:
//   Agreement — within `agreementBoundMs` (a formula of the named limits) every live node holds the same
//     view: one epoch, members = exactly the live (and now connected) nodes, one user map;
//   Balance   — that map gives every member ⌊256/N⌋ or ⌈256/N⌉ buckets (minimality is checked against
//     an oracle in properties/membership-reassign.test.ts);
//   Soft state is a function of hard state — every user's mail map at its manager lists exactly the live
//     nodes holding a non-empty fragment of that user's mailbox;
//   and nothing hangs: every client request was answered, and a valid delivery is refused only
//   temporarily (451) while the cluster reconfigures, never permanently.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { propertyParams } from '../test/membership/fc-params.js';
import { agreementBoundMs, Run, runArb, users } from '../test/membership/fault-run.js';

function balanced(map: readonly { node: string }[], members: readonly string[]): boolean {
  const counts = new Map<string, number>();
  for (const e of map) counts.set(e.node, (counts.get(e.node) ?? 0) + 1);
  const lo = Math.floor(map.length / members.length);
  return members.every((m) => [lo, Math.ceil(map.length / members.length)].includes(counts.get(m) ?? 0)) && [...counts.keys()].every((n) => members.includes(n));
}

let slowestAgreementMs = 0;

describe('membership on the simulated cluster', () => {
  it('after faults stop: Agreement within the bound, Balance, soft state = f(hard state), every request answered', () => {
    fc.assert(
      fc.property(runArb, ({ seed, steps }) => {
        const r = new Run(seed);
        for (const s of steps) {
          r.h.run(s.gapMs);
          r.apply(s.action);
        }
        r.heal();
        const healedAt = r.h.time;
        let agreedAt: number | undefined;
        for (let t = 0; t < agreementBoundMs && !r.h.world.halted; t += 100) {
          r.h.run(100);
          if (r.h.disagreement() === undefined) agreedAt ??= r.h.time;
          else agreedAt = undefined;
        }
        expect(r.h.world.errors.map((e) => e.error), 'reducer errors').toEqual([]);
        expect(r.h.disagreement(), `no agreement ${agreementBoundMs} ms after the faults stopped`).toBeUndefined();
        slowestAgreementMs = Math.max(slowestAgreementMs, agreedAt! - healedAt);
        const view = r.h.state(r.h.up()[0]).membership!.view;
        expect(balanced(view.map, view.members)).toBe(true);
        // Reports are retried every reportRetryMs; give the last ones time to land, then compare.
        r.h.run(2_000);
        expect(r.h.softStateMismatches(users), 'soft state').toEqual([]);
        expect(r.unanswered).toBe(0);
        expect(r.permanentFailures).toEqual([]);
        expect(r.h.state(r.h.up()[0]).membership!.view).toBe(view); // stable: no further change
      }),
      propertyParams('membership on the simulated cluster', 100),
    );
    console.log(`simulated cluster: slowest agreement ${slowestAgreementMs} ms after healing (bound ${agreementBoundMs} ms)`);
  });
});
