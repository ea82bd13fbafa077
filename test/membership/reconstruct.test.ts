// Soft-state reconstruction (src/pure/soft-state/reconstruct.ts): unit cases, and a model of a cluster
// whose managers rebuild mail maps only from reports across a sequence of membership changes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketOf } from '../../src/pure/hash.js';
import {
  applyReport,
  bucketsToRebuild,
  changedBuckets,
  departedNodes,
  highestLiveReplica,
  reportsFor,
  type MailMapOps,
} from '../../src/pure/soft-state/reconstruct.js';
import { reassign, type BucketOwner } from '../../src/pure/user-map/reassign.js';
import { evenMap } from '../support/world-driver.js';
import { propertyParams } from './fc-params.js';

type MailMap = ReadonlyMap<string, ReadonlySet<string>>;

const ops: MailMapOps<MailMap> = {
  usersIn: (m, buckets) => [...m.keys()].filter((u) => buckets.has(bucketOf(u))),
  add: (m, user, node) => new Map(m).set(user, new Set([...(m.get(user) ?? []), node])),
  remove: (m, user, node) => {
    const next = new Map(m);
    const rest = [...(m.get(user) ?? [])].filter((n) => n !== node);
    if (rest.length === 0) next.delete(user);
    else next.set(user, new Set(rest));
    return next;
  },
};

describe('reconstruction functions', () => {
  const oldMap: BucketOwner[] = evenMap(['n1', 'n2', 'n3']);

  it('changedBuckets: moved and re-stamped buckets change; everything changes for a node that just joined', () => {
    const newMap = reassign(oldMap, ['n1', 'n2'], 5, { restamp: ['n1'] });
    const changed = changedBuckets(oldMap, newMap, false);
    expect(changed).toEqual(newMap.flatMap((e, b) => (e.node === 'n1' || oldMap[b].node === 'n3' ? [b] : [])));
    expect(changedBuckets(oldMap, newMap, true)).toHaveLength(256);
    expect(bucketsToRebuild(changed, newMap, 'n2')).toEqual(changed.filter((b) => newMap[b].node === 'n2'));
  });

  it('reportsFor groups users by new manager, only for changed buckets, profiles only from the highest live replica, and reports to every new manager even when empty', () => {
    const newMap = reassign(oldMap, ['n1', 'n2'], 5);
    const changed = changedBuckets(oldMap, newMap, false);
    const users = Array.from({ length: 60 }, (_, i) => `user${i}`);
    const reports = reportsFor(
      changed,
      users,
      users.map((user) => ({ user, replicas: ['n1', 'n2', 'n3'] })),
      newMap,
      ['n1', 'n2'],
      'n2',
    );
    const expected = users.filter((u) => changed.includes(bucketOf(u)));
    expect(reports.flatMap((r) => r.users).sort()).toEqual(expected.sort());
    expect(reports.flatMap((r) => r.profiles).sort()).toEqual(expected.sort()); // n3 is dead: n2 is highest
    for (const r of reports) for (const u of r.users) expect(newMap[bucketOf(u)].node).toBe(r.manager);
    const fromN1 = reportsFor(changed, [], users.map((user) => ({ user, replicas: ['n1', 'n2'] })), newMap, ['n1', 'n2'], 'n1');
    // n1 holds nothing to report (n2 is the higher replica), but still tells every new manager so:
    // an empty report is how a manager learns that a user it cannot find is truly unknown.
    const managers = [...new Set(changed.map((b) => newMap[b].node))].sort();
    expect(fromN1.map((r) => r.manager)).toEqual(managers);
    for (const r of fromN1) {
      expect(r.users).toEqual([]);
      expect(r.profiles).toEqual([]);
      expect(r.buckets).toEqual(changed.filter((b) => newMap[b].node === r.manager));
    }
  });

  it('highestLiveReplica skips dead replicas and counts self as live', () => {
    expect(highestLiveReplica(['n2', 'n10', 'n3'], new Set(['n2', 'n3']), 'n2')).toBe('n3');
    expect(highestLiveReplica(['n2', 'n10'], new Set(), 'n2')).toBe('n2');
    expect(departedNodes(['n1', 'n2', 'n3'], ['n1', 'n3', 'n4'])).toEqual(['n2']);
  });

  it('applyReport replaces the reporter’s entries in the reported buckets (idempotent, not a union)', () => {
    const b = bucketOf('alice');
    let m: MailMap = new Map([['alice', new Set(['n1', 'n2'])]]);
    m = applyReport(m, 'n2', { buckets: [b], users: [] }, ops);
    expect([...(m.get('alice') ?? [])]).toEqual(['n1']);
    const twice = applyReport(applyReport(m, 'n3', { buckets: [b], users: ['alice'] }, ops), 'n3', { buckets: [b], users: ['alice'] }, ops);
    expect([...(twice.get('alice') ?? [])].sort()).toEqual(['n1', 'n3']);
  });
});

/** A model cluster: hard state (fragments per node) kept across crashes, soft state rebuilt by reports. */
interface Model {
  map: BucketOwner[];
  epoch: number;
  live: string[];
  fragments: Map<string, Set<string>>;
  mailMaps: Map<string, MailMap>;
  reportMessages: number;
}

const all = ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'];
const users = Array.from({ length: 80 }, (_, i) => `u${i}`);

function change(md: Model, nextLive: string[], restarted: string[]): void {
  const epoch = md.epoch + 1;
  const newMap = reassign(md.map, nextLive, epoch, { restamp: restarted });
  for (const r of restarted) md.mailMaps.set(r, new Map()); // a restart loses soft state
  const departed = departedNodes(md.live, nextLive);
  const rebuilt = new Map<string, Set<number>>();
  for (const n of nextLive) {
    const justJoined = restarted.includes(n) || !md.live.includes(n);
    const changed = changedBuckets(md.map, newMap, justJoined);
    const reset = new Set(bucketsToRebuild(changed, newMap, n));
    rebuilt.set(n, reset);
    let mm = md.mailMaps.get(n) ?? new Map();
    mm = new Map([...mm].filter(([u]) => !reset.has(bucketOf(u)) && newMap[bucketOf(u)].node === n));
    for (const d of departed) for (const u of mm.keys()) mm = ops.remove(mm, u, d);
    md.mailMaps.set(n, mm);
  }
  for (const n of nextLive) {
    const justJoined = restarted.includes(n) || !md.live.includes(n);
    const changed = changedBuckets(md.map, newMap, justJoined);
    for (const r of reportsFor(changed, md.fragments.get(n) ?? [], [], newMap, nextLive, n)) {
      if (r.manager !== n) md.reportMessages++;
      md.mailMaps.set(r.manager, applyReport(md.mailMaps.get(r.manager)!, n, r, ops));
    }
  }
  Object.assign(md, { map: newMap, epoch, live: nextLive });
}

describe('reconstruction model', () => {
  it('Soft state is a function of hard state: after every change each mail map lists exactly the live nodes holding a fragment', () => {
    const step = fc.record({ live: fc.subarray(all, { minLength: 1 }), restarted: fc.subarray(all) });
    fc.assert(
      fc.property(
        fc.array(fc.subarray(all), { minLength: users.length, maxLength: users.length }),
        fc.array(step, { minLength: 1, maxLength: 6 }),
        (holders, steps) => {
          const fragments = new Map(all.map((n) => [n, new Set(users.filter((_, i) => holders[i].includes(n)))]));
          const md: Model = { map: evenMap(all), epoch: 0, live: [...all], fragments, mailMaps: new Map(), reportMessages: 0 };
          change(md, [...all], [...all]); // first boot: everyone is a new incarnation
          for (const s of steps) change(md, s.live, s.restarted.filter((r) => s.live.includes(r)));
          for (const [i, u] of users.entries()) {
            const manager = md.map[bucketOf(u)].node;
            const expected = holders[i].filter((n) => md.live.includes(n)).sort();
            expect([...(md.mailMaps.get(manager)!.get(u) ?? [])].sort(), `${u} at ${manager}`).toEqual(expected);
          }
        },
      ),
      propertyParams('soft state from hard state'),
    );
  });
});
