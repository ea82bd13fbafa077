// B8 (issue 13): a deleted message came back because its tombstone reached only the replicas of the copy the
// session listed. A client's retry stored through a node that never saw the first attempt makes a second copy
// with replicas of its own; QUIT now reads the user's current mail map first and sends every holder with the
// deletes, and each tombstone goes to those nodes as well.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/pure/messages.js';
import { onPopQuit, onQuitLookupDone } from '../../src/pure/proxy/pop-update.js';
import { emptyProxyState, withSession, type ClusterView, type PopSession } from '../../src/pure/proxy/proxy-state.js';
import { newStepCtx, type StepCtx } from '../../src/pure/step-context.js';
import { initialUserMap, managerOf } from '../../src/pure/user-map/user-map.js';

const nodes = ['n1', 'n2', 'n3', 'n4', 'n5'];
const config = { nodes, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 100 } as const;
const view: ClusterView = { userMap: initialUserMap(nodes), members: nodes, loadOf: () => 0, incarnation: 1, instance: 't', ready: true };
const ctx = (): StepCtx => newStepCtx('n1', { now: 0, entropy: 0 }, config, { pending: 0, at: 0 }, 1, 100);
const sent = (c: StepCtx): { to: string; message: Message }[] => c.effects.flatMap((e) => (e.kind === 'send' ? [{ to: e.to, message: e.message }] : []));

// The session listed m1 from n2 and n3 (the first attempt's replicas); its login mail map was {n2, n3}.
const session: PopSession = {
  kind: 'pop', phase: 'ready', user: 'alice', password: '', mailMap: ['n2', 'n3'], gathered: [], unreachable: [],
  maildrop: [{ msgId: 'm1', sizeBytes: 1, nodes: ['n2', 'n3'] }, { msgId: 'm2', sizeBytes: 1, nodes: ['n2'] }], marked: ['m1'], open: 0, failed: false,
};

describe('POP QUIT with deletions (B8)', () => {
  it('asks the manager for the current mail map, then sends the deletes with every known holder', () => {
    const c1 = ctx();
    const p1 = onPopQuit(c1, withSession(emptyProxyState(), 's1', session), view, 's1');
    const lookups = sent(c1);
    expect(lookups).toHaveLength(1);
    expect(lookups[0].to).toBe(managerOf(view.userMap, 'alice'));
    expect(lookups[0].message).toMatchObject({ kind: 'lookupUser', user: 'alice', purpose: 'quit' });
    const rid = (lookups[0].message as Extract<Message, { kind: 'lookupUser' }>).rid;
    const call = p1.calls.get(rid)!.call;
    expect(call.kind).toBe('quitLookup');
    // The retry's copy landed on n4 and n5 after the login: the manager knows them now.
    const c2 = ctx();
    const info: Extract<Message, { kind: 'userInfo' }> = { kind: 'userInfo', rid, user: 'alice', status: 'ok', mailMap: ['n2', 'n3', 'n4', 'n5'], load: { pending: 0, at: 0 } };
    onQuitLookupDone(c2, p1, call as Extract<typeof call, { kind: 'quitLookup' }>, info);
    const deletes = sent(c2).map((s) => ({ to: s.to, m: s.message as Extract<Message, { kind: 'deleteMsgs' }> }));
    // Deletes go to the nodes that listed m1 and (this cluster is unreplicated: no tombstones, B13) to the
    // holders the listing never saw ...
    expect(deletes.map((d) => d.to)).toEqual(['n2', 'n3', 'n4', 'n5']);
    for (const d of deletes) {
      expect(d.m).toMatchObject({ kind: 'deleteMsgs', msgIds: ['m1'] });
      // ... and name every holder, so with replication the tombstone also reaches the copy the listing never saw.
      expect(d.m.holders).toEqual(['n2', 'n3', 'n4', 'n5']);
    }
  });

  it('B13: without replication, a holder unreachable while listing gets the deletes itself; one that answered without them does not', () => {
    // The kept trace mail-maps-loss-crash-4-nodes (R = 0): the first attempt of m1 was stored on n3 (its 250
    // lost), the retry on n4 (250). The session listed m1 from n3 while n4 did not answer; QUIT deleted n3's
    // copy only, said +OK, and n4's copy was listed again by every node.
    const partial: PopSession = { ...session, mailMap: ['n2', 'n3', 'n4'], unreachable: ['n4'], maildrop: [{ msgId: 'm1', sizeBytes: 1, nodes: ['n3'] }], marked: ['m1'] };
    const deletesFor = (c1: StepCtx, c2: StepCtx): [string, readonly string[]][] => {
      const p1 = onPopQuit(c1, withSession(emptyProxyState(), 's1', partial), view, 's1');
      const call = p1.calls.entries()[0][1].call;
      onQuitLookupDone(c2, p1, call as Extract<typeof call, { kind: 'quitLookup' }>, 'timeout');
      return sent(c2).map((x) => [x.to, (x.message as Extract<Message, { kind: 'deleteMsgs' }>).msgIds]);
    };
    expect(deletesFor(ctx(), ctx())).toEqual([['n3', ['m1']], ['n4', ['m1']]]); // n2 answered the listing without m1
    // With replication the tombstone reaches n4 through `holders` (B8): no extra delete call.
    const rctx = (): StepCtx => newStepCtx('n1', { now: 0, entropy: 0 }, { ...config, replicas: 2 }, { pending: 0, at: 0 }, 1, 100);
    expect(deletesFor(rctx(), rctx())).toEqual([['n3', ['m1']]]);
  });

  it('without an answer from the manager, the login mail map and the listing still name the holders', () => {
    const c1 = ctx();
    const p1 = onPopQuit(c1, withSession(emptyProxyState(), 's1', { ...session, mailMap: ['n2', 'n4'] }), view, 's1');
    const call = p1.calls.entries()[0][1].call;
    const c2 = ctx();
    onQuitLookupDone(c2, p1, call as Extract<typeof call, { kind: 'quitLookup' }>, 'timeout');
    const holders = sent(c2).map((s) => (s.message as Extract<Message, { kind: 'deleteMsgs' }>).holders);
    expect(holders).toEqual([['n2', 'n3', 'n4'], ['n2', 'n3', 'n4']]);
  });

  it('with replication, one lister per message coordinates its tombstone (this node if it listed it, else the first); the others get it as covered', () => {
    const rctx = (): StepCtx => newStepCtx('n1', { now: 0, entropy: 0 }, { ...config, replicas: 2 }, { pending: 0, at: 0 }, 1, 100);
    const listed: PopSession = {
      ...session,
      maildrop: [{ msgId: 'm1', sizeBytes: 1, nodes: ['n3', 'n2'] }, { msgId: 'm2', sizeBytes: 1, nodes: ['n2', 'n1'] }],
      marked: ['m1', 'm2'],
    };
    const c1 = rctx();
    const p1 = onPopQuit(c1, withSession(emptyProxyState(), 's1', listed), view, 's1');
    const call = p1.calls.entries()[0][1].call;
    const c2 = rctx();
    onQuitLookupDone(c2, p1, call as Extract<typeof call, { kind: 'quitLookup' }>, 'timeout');
    // A call to this node itself is a local message, not a network send.
    const local = c2.local.map((message) => ({ to: 'n1', message }));
    const deletes = [...local, ...sent(c2)].map((x) => ({ to: x.to, m: x.message as Extract<Message, { kind: 'deleteMsgs' }> }));
    expect(deletes.map((d) => [d.to, d.m.msgIds, d.m.covered ?? []])).toEqual([
      ['n1', ['m2'], []],
      ['n2', ['m1'], ['m2']],
      ['n3', [], ['m1']],
    ]);
    for (const d of deletes) expect(d.m.holders).toEqual(['n1', 'n2', 'n3']);
  });

  it('a QUIT with nothing marked answers at once, with no lookup', () => {
    const c = ctx();
    onPopQuit(c, withSession(emptyProxyState(), 's1', { ...session, marked: [] }), view, 's1');
    expect(sent(c)).toEqual([]);
    expect(c.effects.some((e) => e.kind === 'reply' && e.reply.kind === 'popQuit' && e.reply.ok)).toBe(true);
  });
});
