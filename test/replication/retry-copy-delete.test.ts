// B8 (issue 13) as a minimal scenario on the real node: a message object with two replica sets. The first
// attempt is stored on H1/H2; a "retry" of it (same Message-ID and body, so the same message id) is stored
// through C, which never saw the first attempt, with replicas C/D. A POP session lists while C and D are cut
// off (a partial listing: only H1/H2's copy), deletes, and QUITs after the heal. Before the fix the tombstone
// went to H1/H2 only and C/D's copy came back in every later listing.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/pure/messages.js';
import { managerOf } from '../../src/pure/user-map/user-map.js';
import { PASSWORD, SimHarness } from '../membership/sim-harness.js';

/**
 * A 6-node cluster (R = 2) where user7 holds one message stored through a proxy that is not the user's manager;
 * C and D are two nodes that hold no copy and are neither that proxy nor the manager.
 */
function firstCopy(messageId: string): { h: SimHarness; user: string; proxy: string; msgId: string; first: string[]; c: string; d: string } {
  const h = new SimHarness({ nodes: 6, replicas: 2, users: 50, seed: 3 });
  h.bootAll();
  h.run(5_000);
  const user = 'user7';
  const manager = managerOf(h.state('n1').userMap, user);
  const body = `Message-ID: ${messageId}\r\nSubject: hello\r\n\r\nhi\r\n`;
  const proxy = h.up().find((n) => n !== manager)!;
  const ack = h.request(proxy, { kind: 'smtpData', sender: 'a@b', recipients: [user], body, clientMsgId: messageId });
  expect(ack?.kind === 'smtpData' && ack.code).toBe(250);
  const msgId = ack?.kind === 'smtpData' ? ack.results[0].msgId! : '';
  h.run(2_000);
  const first = h.holders(user);
  expect(first).toHaveLength(2);
  const [c, d] = h.up().filter((n) => !first.includes(n) && n !== proxy && n !== manager);
  expect(d).toBeDefined();
  return { h, user, proxy, msgId, first, c, d };
}

/** A client's retry of the message (same Message-ID and body: the same id) stored through C with replicas C, D. */
function storeRetry(h: SimHarness, user: string, msgId: string, from: string, [c, d]: readonly string[]): void {
  const stored = h.state(h.holders(user)[0]).hard.fragments.get(user)!.get(msgId)!;
  const storeMsg: Message = { kind: 'storeMsg', rid: 9_999, user, msg: stored, replicas: [c, d] };
  h.injectInput(c, { kind: 'message', from, message: storeMsg });
  h.run(2_000);
}

describe('B8: a delete reaches every copy of a message, even one on replicas the listed copy never knew', () => {
  it('deleted mail does not come back from a retry\'s copy on other replicas', () => {
    const { h, user, proxy, msgId, first, c, d } = firstCopy('<retry-1@x>');
    // The retry's copy on C and D, which neither hold the first copy nor are the proxy or the manager (the
    // session below must reach those).
    storeRetry(h, user, msgId, proxy, [c, d]);
    expect(h.holders(user).sort()).toEqual([...first, c, d].sort());
    // C and D are cut off while the session lists: it sees only the first copy.
    const session = h.newSession('p');
    h.partition([h.up().filter((n) => n !== c && n !== d), [c, d]]);
    const auth = h.request(proxy, { kind: 'popAuth', user, password: PASSWORD }, session);
    expect(auth).toMatchObject({ kind: 'popAuth', ok: true });
    expect(auth?.kind === 'popAuth' && auth.text).toMatch(/partial/);
    expect(h.request(proxy, { kind: 'popDele', msgId }, session)).toMatchObject({ ok: true });
    h.heal();
    h.run(3_000);
    expect(h.request(proxy, { kind: 'popQuit' }, session)).toMatchObject({ kind: 'popQuit', ok: true, deleted: 1 });
    h.run(40_000);
    // No copy left anywhere, and no node lists it again.
    expect(h.holders(user)).toEqual([]);
    for (const n of h.up()) expect(h.list(n, user)).not.toContain(msgId);
  });

  it('B12: a delete made on one side of a partition reaches the retry\'s copy stored on the other side, once the partition heals', () => {
    const { h, user, proxy, msgId, first, c, d } = firstCopy('<retry-2@x>');
    // A partition splits off C and D; both sides install their own views.
    h.partition([h.up().filter((n) => n !== c && n !== d), [c, d]]);
    h.run(15_000);
    expect(h.state(c).members.includes(proxy)).toBe(false);
    // The client's retry lands on C's side and is stored there (C, D): a second replica set nobody on the
    // other side ever hears of.
    storeRetry(h, user, msgId, d, [c, d]);
    expect(h.holders(user).sort()).toEqual([...first, c, d].sort());
    // On the other side a POP session lists the first copy, deletes it, and QUIT succeeds, all during the split.
    const session = h.newSession('p');
    expect(h.request(proxy, { kind: 'popAuth', user, password: PASSWORD }, session)).toMatchObject({ kind: 'popAuth', ok: true });
    expect(h.request(proxy, { kind: 'popDele', msgId }, session)).toMatchObject({ ok: true });
    expect(h.request(proxy, { kind: 'popQuit' }, session)).toMatchObject({ kind: 'popQuit', ok: true, deleted: 1 });
    h.run(2_000);
    expect(h.holders(user).sort()).toEqual([c, d].sort());
    // The partition heals; past the tombstones' collection (31 s after the delete retired) nothing may be left.
    h.heal();
    h.run(60_000);
    expect(h.holders(user)).toEqual([]);
    for (const n of h.up()) expect(h.list(n, user)).not.toContain(msgId);
  });
});
