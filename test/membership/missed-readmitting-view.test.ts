// B17 (docs/bugs-found-by-properties.md), found by a 1,000-run campaign: `porcupine sim --nodes 14 --users 500
// --messages 1000 --seed 1036041358 --faults loss=0.05,dup=0.05,reorder=0.1,crash=0.1,restart=0.2,loseDisk=0.02`.
// n3 held user19's mail; its accept of view 12073 was lost, so 12073 excluded it and user19's manager n9
// forgot n3 in its mail map (departed nodes are forgotten). View 13793 readmitted n3 and named it `rejoined`,
// but its commit to n3 was lost; n3's commit timer made it propose 15452 itself, whose acceptors all had
// 13793 installed (n3 a member), so nobody named n3 rejoined again and n3 (still in view 3, which listed it)
// reported only the buckets that changed since 3. user19's bucket never moved: n9 never heard of n3 again and
// five acknowledged messages were missing from every listing until the end. Fixed in rounds.ts
// rejoinedMembers: an acceptor whose installed view is older than another acceptor's is named rejoined.
import { describe, expect, it } from 'vitest';
import { parseSimArgs } from '../../src/cli/sim-command.js';
import { viewIdOf, type MembershipEffect, type View } from '../../src/pure/membership/messages.js';
import { onRoundTimer } from '../../src/pure/membership/rounds.js';
import { initialMembership, type Acceptance, type MembershipState } from '../../src/pure/membership/state.js';
import { checkers, noAnomalyAfterBound, runSimulation } from '../../src/sim/index.js';
import { evenMap } from '../support/world-driver.js';

const all = ['n1', 'n2', 'n3', 'n4'];
const view = (epoch: number, coordinator: string, members: readonly string[], rejoined: readonly string[] = []): View => ({
  epoch,
  coordinator,
  members,
  map: evenMap(members).map((e) => ({ ...e, epoch })),
  rejoined,
});

/** Round 3 at `self` with these acceptances (its own first): the view it commits. */
function commitAt(self: string, installed: View, accepts: readonly Acceptance[]): View {
  const s0: MembershipState = initialMembership(self, all, installed.map);
  const proposal = { epoch: 30, coordinator: self };
  const s: MembershipState = { ...s0, joined: true, view: installed, clock: 30, promised: proposal, phase: { kind: 'coordinating', proposal, accepts } };
  const out: MembershipEffect[] = [];
  onRoundTimer(s, out);
  const installedNow = out.find((e) => e.kind === 'installed');
  if (installedNow?.kind !== 'installed') throw new Error('round 3 installed nothing');
  return installedNow.view;
}

const acceptance = (node: string, v: View): Acceptance => ({ node, fresh: false, map: v.map, members: v.members, view: viewIdOf(v) });

describe('B17: a node that missed the view naming it rejoined is named rejoined again', () => {
  // View 3 had everyone; view 10 excluded n3 (n1, n2, n4 forgot n3's fragments); view 20 readmitted n3 as
  // rejoined, but n3 never got its commit: it still has view 3 installed when it coordinates view 30.
  const v3 = view(3, 'n1', all);
  const v20 = view(20, 'n4', all, ['n3']);

  it('the coordinator behind the others (its installed view older) names itself rejoined, so it reports every bucket', () => {
    const v30 = commitAt('n3', v3, [acceptance('n3', v3), acceptance('n1', v20), acceptance('n2', v20), acceptance('n4', v20)]);
    expect(v30.members).toEqual(all);
    expect(v30.rejoined).toEqual(['n3']);
  });

  it('an acceptor behind the others is named rejoined by another coordinator too; members up to date are not', () => {
    const v30 = commitAt('n1', v20, [acceptance('n1', v20), acceptance('n2', v20), acceptance('n3', v3), acceptance('n4', v20)]);
    expect(v30.rejoined).toEqual(['n3']);
    const calm = commitAt('n1', v20, all.map((n) => acceptance(n, v20)));
    expect(calm.rejoined).toEqual([]);
  });

  it('the campaign run: every acknowledged message is listed at the end (noLoss, noAnomalyAfterBound)', () => {
    const args = parseSimArgs([
      '--nodes', '14', '--users', '500', '--messages', '1000', '--seed', '1036041358',
      '--faults', 'loss=0.05,dup=0.05,reorder=0.1,crash=0.1,restart=0.2,loseDisk=0.02',
    ]);
    if (args === 'help') throw new Error('unexpected help');
    const r = runSimulation(args.config);
    const failed = [...checkers.checkAll(r), noAnomalyAfterBound(r)].filter((c) => !c.ok && !c.soft).map((c) => `${c.name}: ${c.examples.slice(0, 2).join('; ')}`);
    expect(failed).toEqual([]);
  }, 60_000);
});
