// Scenario tests, one per failure case of PORCUPINE.md "Replication" (and the choices of docs/replication.md).
import { describe, expect, it } from 'vitest';
import { defaultReplicationLimits, tombstoneRetentionMs, type ReplicationLimits } from '../../src/pure/replication/limits.js';
import { messageObjectId, type ObjectValue } from '../../src/pure/replication/objects.js';
import { readObject, type ReplicationInput } from '../../src/pure/replication/replication.js';
import type { Input } from '../../src/pure/io.js';
import { ReplicationNet as Net } from '../support/replication-net.js';

const limits = defaultReplicationLimits;
const msg = (n: number): ObjectValue => ({ kind: 'message', user: 'alice', msgId: `m${n}`, body: `hello ${n}`, sizeBytes: 7 });
const tomb = (n: number): ObjectValue => ({ kind: 'tombstone', user: 'alice', msgId: `m${n}` });
const oid = (n: number): string => messageObjectId('alice', `m${n}`);

function cluster(n = 3, l: ReplicationLimits = limits): Net {
  return new Net(
    Array.from({ length: n }, (_, i) => `n${i + 1}`),
    { limits: l, bugs: {} },
    new Map(),
    true,
  );
}

/** Lets the network and disks run without faults until nothing moves. */
function settle(net: Net): void {
  for (let i = 0; i < 100; i++) {
    let moved = false;
    for (const id of net.ids) while (net.isUp(id) && net.writesInFlight(id) > 0) (net.completeDisk(id), (moved = true));
    while (net.inflight.length > 0) (net.deliver(0), (moved = true));
    if (!moved) return;
  }
}

const durableRefs = (net: Net): string[] => net.durableReports.map((r) => r.ref);

describe('replication scenarios', () => {
  it('R=2 ack=2: the SMTP 250 waits for the second copy; 4 durable records per message (paper: 3x writes, plus the participant\'s log drop)', () => {
    const net = cluster();
    settle(net);
    const before = net.recordsWritten;
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    net.completeDisk('n1'); // coordinator's copy + log entry durable: one copy only
    expect(durableRefs(net)).toEqual([]);
    settle(net);
    expect(durableRefs(net)).toEqual(['s1']);
    // Object + log entry at n1 and its drop; object + log entry at n2 (pushed in parallel with n1's write, so
    // n2 logs it too) and its drop at the retirement.
    expect(net.recordsWritten - before).toBe(4);
    expect(net.objectAt('n2', oid(1))?.value).toEqual(msg(1));
    expect(net.replicaState('n1')?.hard.log.size).toBe(0); // retired
    expect(net.replicaState('n2')?.hard.log.size).toBe(0);
  });

  it('parallel push: the push leaves with the coordinator\'s write, and the 250 waits for both the participant\'s ack and the coordinator\'s own copy', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    // Before n1's write is durable, its push is already on the wire.
    expect(net.inflight.filter((m) => m.to === 'n2' && m.message.kind === 'replPush')).toHaveLength(1);
    net.deliver(0); // n2 applies
    net.completeDisk('n2'); // n2 durable: its ack leaves
    net.deliver(0); // n1 counts n2's copy
    expect(durableRefs(net)).toEqual([]); // but n1's own copy is not durable yet
    net.completeDisk('n1');
    expect(durableRefs(net)).toEqual(['s1']);
    settle(net);
    expect(net.replicaState('n1')?.hard.log.size).toBe(0);
    expect(net.replicaState('n2')?.hard.log.size).toBe(0);
  });

  it('parallel push: a coordinator that crashes before its own write is durable gets the version back from the participant', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    net.deliver(0); // n2 applies the push
    net.crash('n1'); // n1's own write never reached its disk
    settle(net);
    expect(durableRefs(net)).toEqual([]); // no 250: the coordinator's copy is missing
    expect(net.replicaState('n2')?.hard.log.get(net.replicaState('n2')?.hard.log.keys()[0] ?? '')?.remaining).toEqual(['n1']);
    net.boot('n1');
    settle(net);
    expect(net.objectAt('n1', oid(1))).toBeUndefined();
    net.advance(limits.takeoverAfterMs + 1);
    settle(net);
    expect(net.objectAt('n1', oid(1))?.value).toEqual(msg(1)); // the replicas converge
    expect(net.replicaState('n2')?.hard.log.size).toBe(0);
  });

  it('ack=1 (paper mode): the coordinator answers once its own copy is durable', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 1);
    net.completeDisk('n1');
    expect(durableRefs(net)).toEqual(['s1']);
  });

  it('coordinator fails before answering the proxy: no 250; the proxy retries with a new object and new replicas', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    net.crash('n1'); // before its write reached the disk
    settle(net);
    expect(durableRefs(net)).toEqual([]);
    // The proxy's RPC times out; it stores the message again as a new object on other replicas.
    net.update('n2', 's2', msg(2), ['n2', 'n3'], 2);
    settle(net);
    expect(durableRefs(net)).toEqual(['s2']);
    net.boot('n1');
    settle(net);
    expect(net.objectAt('n1', oid(1))).toBeUndefined(); // never durable: the retry is the only copy
  });

  it('coordinator fails before all replicas have the update: a participant that logged it takes over pushing', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2', 'n3'], 2);
    net.completeDisk('n1');
    // The push reaches n2 only; the push to n3 is lost and n1 dies.
    const toN3 = net.inflight.findIndex((m) => m.to === 'n3');
    net.deliver(toN3, 'drop');
    net.crash('n1');
    settle(net);
    expect(net.objectAt('n3', oid(1))).toBeUndefined();
    expect(net.replicaState('n2')?.hard.log.size).toBe(1); // n2 logged: n3 was still remaining
    net.advance(limits.takeoverAfterMs + 1);
    settle(net);
    expect(net.objectAt('n3', oid(1))?.value).toEqual(msg(1));
    // n2's entry also names n1 (it pushed before its own copy was durable): it retires once n1 is back.
    net.boot('n1');
    settle(net);
    expect(net.replicaState('n2')?.hard.log.size).toBe(0);
  });

  it('a restarted coordinator resumes pushing from its log', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    net.completeDisk('n1');
    net.deliver(0, 'drop');
    net.crash('n1');
    net.boot('n1');
    settle(net);
    expect(net.objectAt('n2', oid(1))?.value).toEqual(msg(1));
    expect(net.replicaState('n1')?.hard.log.size).toBe(0);
  });

  it('a silent replica gets re-pushed with capped exponential backoff until it acknowledges', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    net.completeDisk('n1');
    const pushes: number[] = [];
    for (let t = 0; t < 2_000; t += 10) {
      while (net.inflight.length > 0) {
        if (net.inflight[0].message.kind === 'replPush') pushes.push(t);
        net.deliver(0, 'drop');
      }
      net.advance(10);
    }
    expect(pushes.slice(0, 4)).toEqual([0, 200, 600, 1400]);
    settle(net);
    net.advance(limits.pushRetryMaxMs);
    settle(net);
    expect(net.objectAt('n2', oid(1))?.value).toEqual(msg(1));
  });

  it('a delete issued at one replica reaches every replica, and a late older push does not resurrect the message', () => {
    const net = cluster();
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    settle(net);
    const stalePush = { from: 'n1', to: 'n2', message: { kind: 'replPush' as const, object: net.objectAt('n1', oid(1))!, remaining: ['n2'] } };
    net.update('n2', 'd1', tomb(1), ['n2'], 2); // the coordinator adds the message's replicas to the targets
    settle(net);
    expect(durableRefs(net)).toEqual(['s1', 'd1']);
    expect(net.objectAt('n1', oid(1))?.value.kind).toBe('tombstone');
    net.inflight.push(stalePush);
    settle(net);
    expect(net.objectAt('n2', oid(1))?.value.kind).toBe('tombstone');
  });

  it('tombstones are collected at every replica after the retirement wait (max skew + max packet lifetime)', () => {
    const l = { ...limits, gcIntervalMs: 1_000 };
    const net = cluster(3, l);
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    settle(net);
    net.update('n1', 'd1', tomb(1), ['n1', 'n2'], 2);
    settle(net); // retired now
    net.advance(tombstoneRetentionMs(l) - 2_000);
    settle(net);
    expect(net.objectAt('n1', oid(1))?.value.kind).toBe('tombstone'); // still inside the wait
    expect(net.objectAt('n2', oid(1))?.value.kind).toBe('tombstone');
    net.advance(3_000);
    settle(net);
    expect(net.objectAt('n1', oid(1))).toBeUndefined();
    expect(net.objectAt('n2', oid(1))).toBeUndefined();
  });

  it('a node down longer than the log retention rejoins as new: stale replicas are quarantined, then reconciled', () => {
    // A 3-hour retention instead of 7 days keeps the simulated outage cheap; the logic is the same.
    const l = { ...limits, logRetentionMs: 3 * 60 * 60 * 1000 };
    const net = cluster(3, l);
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n3'], 2); // will be deleted while n3 is away
    net.update('n1', 's2', msg(2), ['n1', 'n3'], 2); // stays
    net.update('n3', 's3', msg(3), ['n3'], 1); // R=1: only n3 ever had it
    settle(net);
    net.crash('n3');
    net.update('n1', 'd1', tomb(1), ['n1', 'n3'], 2);
    settle(net);
    net.advance(l.logRetentionMs + l.gcIntervalMs * 2); // n1 gives up on n3 and collects the tombstone
    settle(net);
    expect(net.objectAt('n1', oid(1))).toBeUndefined();
    net.boot('n3');
    const s3 = net.replicaState('n3')!;
    expect(readObject(s3, oid(1))).toBeUndefined(); // quarantined: invisible to readers
    expect(s3.hard.quarantine.size).toBe(3);
    for (let i = 0; i < 5; i++) {
      settle(net);
      net.advance(limits.reconcileRetryMs);
    }
    const after = net.replicaState('n3')!;
    expect(after.hard.quarantine.size).toBe(0);
    expect(after.hard.objects.get(oid(1))).toBeUndefined(); // the delete it missed is honoured
    expect(readObject(after, oid(2))?.value).toEqual(msg(2));
    expect(readObject(after, oid(3))?.value).toEqual(msg(3));
  });

  it('B12: tombstones handed to newcomers after a merge; a newcomer never logs them, so it cannot retire the delete\'s push to a replica that is down', () => {
    const net = cluster(4);
    settle(net);
    net.update('n1', 's1', msg(1), ['n1', 'n2'], 2);
    settle(net);
    net.crash('n2');
    net.update('n1', 'd1', tomb(1), ['n1', 'n2'], 1); // n2 is down: n1 keeps pushing the delete to it
    settle(net);
    // A view brings n3 and n4 in (a healed partition): n1, the tombstone's first live replica, hands it to them.
    const joined: ReplicationInput = { kind: 'membersJoined', nodes: ['n3', 'n4'], members: ['n1', 'n3', 'n4'] };
    net.stepNow('n1', joined as unknown as Input);
    settle(net);
    for (const n of ['n3', 'n4']) expect(net.objectAt(n, oid(1))?.value).toEqual(tomb(1));
    expect(net.replicaState('n3')?.hard.log.size).toBe(0);
    expect(net.replicaState('n4')?.hard.log.size).toBe(0);
    // Long past any takeover: n1 still pushes the delete to n2, which gets it when it is back.
    net.advance(limits.takeoverAfterMs * 2);
    settle(net);
    expect(net.replicaState('n1')?.hard.log.size).toBe(1);
    net.boot('n2');
    expect(net.healAndSettle(limits.pushRetryMaxMs * 10)).toBeGreaterThanOrEqual(0);
    expect(net.objectAt('n2', oid(1))?.value).toEqual(tomb(1));
  });
});
