// The cost of reconstruction (PORCUPINE.md "Self-management": "cost per node is constant, independent of
// cluster size; … proportional to the number of reassigned buckets"): for N = 4, 8, 16, 32 nodes with the
// same number of users per node, one node fails and later restarts; we count, per surviving node, the
// soft-state reports it sends and the users they carry, and the membership messages of the change.
// The table is printed for docs/membership.md; the assertions pin what the design promises.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/pure/messages.js';
import { movedCount } from '../../src/pure/user-map/reassign.js';
import { agreementBoundMs } from './fault-run.js';
import { SimHarness } from './sim-harness.js';

const usersPerNode = 40;

interface Row {
  n: number;
  moved: number;
  reportsPerNode: number;
  usersPerNode: number;
  rejoinReportsPerNode: number;
  rejoinUsersPerNode: number;
  membershipMsgs: number;
}

function measure(n: number): Row {
  const h = new SimHarness({ nodes: n, users: usersPerNode * n, seed: n });
  const counts = new Map<string, number>();
  // Test-only instrumentation: count messages by kind as the world sends them (World.send is private).
  const world = h.world as unknown as { send(from: number, to: string, m: Message): void };
  const send = world.send.bind(world);
  world.send = (from, to, m) => {
    counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1);
    send(from, to, m);
  };
  let usersReported = 0;
  h.world.hooks.onTrace = (node, action, args) => {
    if (action === 'ApplyReport' && args.from !== h.ids[node]) usersReported += args.users as number;
  };
  h.bootAll();
  h.run(agreementBoundMs);
  for (let u = 0; u < usersPerNode * n; u++) h.deliver(h.ids[u % n], `user${u}`, 'x');
  h.run(2_000);
  const change = (act: () => void) => {
    counts.clear();
    usersReported = 0;
    const before = h.ids.map((id) => (h.world.nodes[h.index(id)].up ? h.state(id).reconstruction.reportsSent : 0));
    act();
    h.run(agreementBoundMs);
    expect(h.disagreement()).toBeUndefined();
    const sent = h.ids.reduce((a, id, i) => a + (h.world.nodes[i].up ? h.state(id).reconstruction.reportsSent - before[i] : 0), 0);
    const mem = [...counts.entries()].filter(([k]) => /^mem(NewGroup|Accept|Nack|Commit)$/.test(k)).reduce((a, [, c]) => a + c, 0);
    return { sent, users: usersReported, mem };
  };
  const mapBefore = h.state('n1').userMap;
  const fail = change(() => h.world.crash(h.index(`n${n}`)));
  const moved = movedCount(mapBefore, h.state('n1').userMap);
  const survivors = n - 1;
  const rejoin = change(() => h.world.restart(h.index(`n${n}`)));
  return {
    n,
    moved,
    reportsPerNode: fail.sent / survivors,
    usersPerNode: fail.users / survivors,
    rejoinReportsPerNode: rejoin.sent / n,
    rejoinUsersPerNode: rejoin.users / n,
    membershipMsgs: fail.mem,
  };
}

describe('reconstruction cost', () => {
  it('per node and per change: reports ≤ N−1, users reported ≈ users per node / N, moved buckets = the failed node’s', () => {
    const rows = [4, 8, 16, 32].map(measure);
    const fmt = (x: number) => x.toFixed(1);
    console.log(
      [
        '| N | buckets moved | reports/node (failure) | users reported/node (failure) | reports/node (rejoin) | users reported/node (rejoin) | round messages (failure) |',
        '|---|---|---|---|---|---|---|',
        ...rows.map((r) => `| ${r.n} | ${r.moved} | ${fmt(r.reportsPerNode)} | ${fmt(r.usersPerNode)} | ${fmt(r.rejoinReportsPerNode)} | ${fmt(r.rejoinUsersPerNode)} | ${r.membershipMsgs} |`),
      ].join('\n'),
    );
    for (const r of rows) {
      expect(r.moved).toBeGreaterThanOrEqual(Math.floor(256 / r.n));
      expect(r.moved).toBeLessThanOrEqual(Math.ceil(256 / r.n));
      expect(r.reportsPerNode).toBeLessThanOrEqual(r.n - 1);
      // Each node holds about usersPerNode fragments; a failure re-reports the 1/N of them whose bucket moved.
      expect(r.usersPerNode).toBeLessThanOrEqual((2 * usersPerNode * 2) / r.n + 2);
    }
  });
});
