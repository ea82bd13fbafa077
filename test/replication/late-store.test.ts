// B16 as a minimal scenario on the real node: a network copy of the proxy's storeMsg (same sender and rid)
// reaches the message's coordinator after the request was answered and after a POP session deleted the
// message, while the tombstone's push to the coordinator is still on its way. Before the fix the coordinator
// took the copy for a client's retry (B6: a held message with nothing in flight is re-replicated), made a new
// version of the message, newer than the tombstone, and the deleted message came back on every replica.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/pure/messages.js';
import { messageObjectId } from '../../src/pure/replication/objects.js';
import { bootSeenRequests, inQuietTime, rememberRequest, seenRequest } from '../../src/pure/replication/seen-requests.js';
import { managerOf } from '../../src/pure/user-map/user-map.js';
import { PASSWORD, SimHarness } from '../membership/sim-harness.js';

/**
 * The message is stored through an injected storeMsg at C (replicas C, D); with `restartC` C then crashes and
 * restarts (its memory of taken requests goes with it); a POP session deletes the message and, between D's
 * tombstone and its push to C, the same storeMsg reaches C again. Then: the delete must stand everywhere.
 */
function lateCopyAfterDelete(restartC: boolean): void {
  const h = new SimHarness({ nodes: 6, replicas: 2, users: 50, seed: 3 });
  h.bootAll();
  // Past one packet lifetime (30 s) after boot: what drops the copy here is the memory of taken requests.
  h.run(35_000);
  const user = 'user7';
  const manager = managerOf(h.state('n1').userMap, user);
  const proxy = h.up().find((n) => n !== manager)!;
  // D before C in node order, so the delete is coordinated by D (the first lister) and reaches C by a push.
  const [d, c] = h.up().filter((n) => n !== proxy && n !== manager);
  const msgId = 'late-store-1';
  const storeMsg: Message = {
    kind: 'storeMsg', rid: 9_999, user, msg: { msgId, body: 'Subject: hi\r\n\r\nhi\r\n', sizeBytes: 19 }, replicas: [c, d],
  };
  h.injectInput(c, { kind: 'message', from: proxy, message: storeMsg });
  h.run(3_000);
  expect(h.holders(user).sort()).toEqual([c, d].sort());
  if (restartC) {
    h.crash(c);
    h.restart(c);
    h.run(3_000);
    expect(h.holders(user).sort()).toEqual([c, d].sort());
  }
  const oid = messageObjectId(user, msgId);
  const versionAt = (n: string) => h.state(n).replication?.repl.hard.objects.get(oid);
  // A POP session lists the message (both copies), deletes it and QUITs.
  const session = h.newSession('p');
  expect(h.request(proxy, { kind: 'popAuth', user, password: PASSWORD }, session)).toMatchObject({ kind: 'popAuth', ok: true });
  expect(h.request(proxy, { kind: 'popDele', msgId }, session)).toMatchObject({ ok: true });
  h.world.clientRequest(h.index(proxy), { kind: 'client', session, request: { kind: 'popQuit' } });
  h.world.runUntil(() => versionAt(d)?.value.kind === 'tombstone', h.world.now + 5_000);
  // D made the tombstone; its push to C has not arrived yet: now the late copy of the store reaches C.
  expect(versionAt(d)?.value.kind).toBe('tombstone');
  expect(versionAt(c)?.value.kind).toBe('message');
  h.injectInput(c, { kind: 'message', from: proxy, message: storeMsg });
  h.run(3_000);
  expect(h.replyLog.filter((r) => r.session === session).at(-1)?.reply).toMatchObject({ kind: 'popQuit', ok: true });
  // The delete stands on both replicas, and no node lists the message again.
  expect(versionAt(c)?.value.kind).toBe('tombstone');
  expect(versionAt(d)?.value.kind).toBe('tombstone');
  for (const n of h.up()) expect(h.list(n, user)).not.toContain(msgId);
}

describe('B16: a late copy of a store request does not undo a delete', () => {
  it('a network duplicate of an answered storeMsg, arriving after the delete and before the tombstone, does not bring the message back', () => {
    lateCopyAfterDelete(false);
  });
  it('nor when the coordinator restarted in between (quiet time: a store of a held message is not re-run for one packet lifetime after a restart)', () => {
    lateCopyAfterDelete(true);
  });
});

describe('seen-requests: the memory of taken requests (B16)', () => {
  const life = 30_000;
  it('remembers a request for at least one packet lifetime and forgets it within two', () => {
    let r = bootSeenRequests(0, life, false);
    r = rememberRequest(r, 'n1|7', 29_000, life);
    expect(seenRequest(r, 'n1|7')).toBe(true);
    r = rememberRequest(r, 'n1|8', 58_000, life); // a new generation: n1|7 is in the previous one
    expect(seenRequest(r, 'n1|7')).toBe(true);
    r = rememberRequest(r, 'n1|9', 87_000, life); // still the generation started at 58 s
    expect(seenRequest(r, 'n1|7')).toBe(true);
    r = rememberRequest(r, 'n1|10', 88_000, life); // 30 s after 58 s: n1|7 (at least 59 s old) is forgotten
    expect(seenRequest(r, 'n1|7')).toBe(false);
    expect(seenRequest(r, 'n1|8')).toBe(true);
    r = rememberRequest(r, 'n1|11', 200_000, life); // idle two lifetimes: everything older is forgotten
    expect(seenRequest(r, 'n1|10')).toBe(false);
    expect(seenRequest(r, 'n1|11')).toBe(true);
  });
  it('is quiet for one packet lifetime after a restart, not after a first boot', () => {
    const r = bootSeenRequests(1_000, life, true);
    expect(inQuietTime(r, 30_999)).toBe(true);
    expect(inQuietTime(r, 31_000)).toBe(false);
    expect(inQuietTime(bootSeenRequests(1_000, life, false), 1_000)).toBe(false);
  });
});
