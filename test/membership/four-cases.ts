// The four "what happens if" cases of PORCUPINE.md ("Self-management"), run on the real node reducer in
// the simulator's World: a fragment node or the user manager fails right after a store or right after the
// last delete. In each, the notice to the manager is also lost (its link is cut), so only reconfiguration
// and reconstruction can make the soft state right again. Without replication (R = 1, this issue) mail on
// a node that is down is unavailable, never wrong, and no request hangs. Run by four-cases.test.ts, and
// with seeded bugs (src/pure/membership/bugs.ts) by seeded-bugs.test.ts, which expects them to fail.
import { expect } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { bucketOf } from '../../src/pure/hash.js';
import { defaultMembershipLimits as L, detectionMaxMs, roundDurationMaxMs } from '../../src/pure/membership/limits.js';
import type { NodeId } from '../../src/pure/types.js';
import { SimHarness, PASSWORD } from './sim-harness.js';

const agreementBoundMs = detectionMaxMs(L) + 3 * (roundDurationMaxMs(L) + L.commitTimeoutMs);

interface Setup {
  h: SimHarness;
  user: string;
  msgId: string;
  fragment: NodeId;
  manager: NodeId;
}

/** A 5-node cluster in agreement, and one user whose single message sits on a node that is not its manager. */
function setup(seed: number, membershipBugs?: MembershipBugs): Setup {
  const h = new SimHarness({ nodes: 5, users: 200, seed, membershipBugs });
  h.bootAll();
  h.run(agreementBoundMs);
  expect(h.disagreement()).toBeUndefined();
  for (let i = 0; i < 200; i++) {
    const user = `user${i}`;
    const manager = h.state('n1').userMap[bucketOf(user)].node;
    const reply = h.deliver(manager === 'n1' ? 'n2' : 'n1', user, `hello ${i}`);
    expect(reply).toMatchObject({ kind: 'smtpData', code: 250 });
    const holders = h.holders(user);
    if (holders.length === 1 && holders[0] !== manager) {
      const msgId = reply?.kind === 'smtpData' ? reply.results[0].msgId! : '';
      // The 250 can come before the fragment notice reaches the manager; the cases cut that link next,
      // and must start from a manager that knows the fragment, whatever the network's random delays.
      h.run(500);
      expect(h.softStateMismatches([user])).toEqual([]);
      return { h, user, msgId, fragment: holders[0], manager };
    }
  }
  throw new Error('no user with a fragment away from its manager');
}

function other(h: SimHarness, not: readonly NodeId[]): NodeId {
  return h.up().find((n) => !not.includes(n))!;
}

/** Cut the link from `a` to `b` (one direction): notices from a to b are lost. */
function cut(h: SimHarness, a: NodeId, b: NodeId, on: boolean): void {
  h.world.network.setCut(h.index(a), h.index(b), on);
}

/** POP: log in at `node`, mark every message deleted and QUIT. */
function deleteAll(h: SimHarness, node: NodeId, user: string): void {
  const session = 'del';
  expect(h.request(node, { kind: 'popAuth', user, password: PASSWORD }, session)).toMatchObject({ ok: true });
  const list = h.request(node, { kind: 'popList' }, session);
  for (const m of list?.kind === 'popList' ? list.messages : []) h.request(node, { kind: 'popDele', msgId: m.msgId }, session);
  expect(h.request(node, { kind: 'popQuit' }, session)).toMatchObject({ kind: 'popQuit', ok: true });
}

function expectHealthy(h: SimHarness, users: readonly string[]): void {
  expect(h.disagreement()).toBeUndefined();
  expect(h.softStateMismatches(users)).toEqual([]);
  expect(h.world.errors).toEqual([]);
}

export interface FourCase {
  readonly name: string;
  /** Runs the case and asserts its outcome; `bugs` are seeded bugs (seeded-bugs.test.ts only). */
  readonly run: (bugs?: MembershipBugs) => void;
}

export const fourCases: readonly FourCase[] = [
  {
    name: 'a fragment node fails after a message is stored in a new fragment: the mail is unavailable (not lost, no hang) until it rejoins',
    run: (bugs) => {
      const { h, user, msgId, fragment, manager } = setup(11, bugs);
      h.world.crash(h.index(fragment));
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      expect(h.list(other(h, [fragment]), user)).toEqual([]); // answered, without the message
      h.world.restart(h.index(fragment));
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      expect(h.list(manager, user)).toEqual([msgId]);
    },
  },
  {
    name: 'a fragment node fails after the last message of its fragment is deleted (the notice is lost): the message never reappears',
    run: (bugs) => {
      const { h, user, fragment, manager } = setup(12, bugs);
      cut(h, fragment, manager, true);
      deleteAll(h, other(h, [fragment, manager]), user);
      h.world.crash(h.index(fragment));
      cut(h, fragment, manager, false);
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      h.world.restart(h.index(fragment));
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      expect(h.list(other(h, []), user)).toEqual([]);
    },
  },
  {
    name: 'the user manager fails right after a store: the new manager learns the fragment from reconstruction',
    run: (bugs) => {
      const { h, user, msgId, fragment, manager } = setup(13, bugs);
      // A second message for the user; the manager crashes the moment the client has its 250, so the
      // notice of a fragment created by this store may still be in flight (and is then lost).
      const second = h.deliver(other(h, [manager]), user, 'second');
      expect(second).toMatchObject({ kind: 'smtpData', code: 250 });
      h.world.crash(h.index(manager));
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      expect(h.state(fragment).userMap[bucketOf(user)].node).not.toBe(manager);
      const stored = h.storedIds(user);
      expect(stored).toContain(msgId);
      expect(h.list(other(h, [fragment]), user)).toEqual(stored);
      h.world.restart(h.index(manager));
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      expect(h.list(manager, user)).toEqual(h.storedIds(user));
      expect(h.storedIds(user)).toHaveLength(2);
    },
  },
  {
    name: 'the user manager fails after the last delete (the notice is lost): the rebuilt mail map is empty',
    run: (bugs) => {
      const { h, user, fragment, manager } = setup(14, bugs);
      cut(h, fragment, manager, true);
      deleteAll(h, other(h, [fragment, manager]), user);
      h.world.crash(h.index(manager));
      cut(h, fragment, manager, false);
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      expect(h.list(other(h, []), user)).toEqual([]);
      h.world.restart(h.index(manager));
      h.run(agreementBoundMs);
      expectHealthy(h, [user]);
      expect(h.list(manager, user)).toEqual([]);
    },
  },
];
