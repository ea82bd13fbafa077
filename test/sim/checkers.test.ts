// The checkers on hand-made histories: what counts as loss, deletion and reappearance.
import { describe, expect, it } from 'vitest';
import { checkers, History, makeConfig, type SimResult } from '../../src/sim/index.js';

function resultWith(build: (h: History) => void, nodesUp = ['n1', 'n2']): SimResult {
  const h = new History(true);
  build(h);
  return {
    config: makeConfig({ nodes: 2 }), history: h, digests: {}, nodesUp, errors: [], violations: [], holders: new Map(), spread: {},
    reconfig: { destructions: [] },
  } as unknown as SimResult;
}

const ack = (h: History, msgId: string, dataSentAt: number, ackedAt: number, body = `body of ${msgId}`): void =>
  void h.acked.set(msgId, { user: 'u1', msgId, body, clientMsgId: `<${msgId}>`, dataSentAt, ackedAt, node: 'n1', durableCopiesAtAck: 1 });
const list = (h: History, node: string, ids: string[], authAt = 1000, bodies?: Record<string, string>): void =>
  void h.listings.push({ user: 'u1', node, authAt, msgIds: ids, bodies: new Map(ids.map((id) => [id, bodies?.[id] ?? `body of ${id}`])), final: true, error: undefined });

describe('checkers', () => {
  it('noLoss: an acknowledged message missing at one live node is loss; one with no listing at a live node too', () => {
    const r = resultWith((h) => {
      ack(h, 'm1', 1, 2);
      ack(h, 'm2', 1, 2);
      list(h, 'n1', ['m1', 'm2']);
      list(h, 'n2', ['m1']);
    });
    expect(checkers.noLoss(r).examples).toEqual(["m2 (acked to u1 by n1 at 2ms) missing from n2's listing"]);
    const r2 = resultWith((h) => {
      ack(h, 'm1', 1, 2);
      list(h, 'n1', ['m1']);
    });
    expect(checkers.noLoss(r2).examples).toEqual(['m1 for u1: no final listing from n2']);
  });

  it('a deletion confirmed after DATA excuses absence; a deletion before a later re-delivery does not', () => {
    const r = resultWith((h) => {
      ack(h, 'gone', 10, 20);
      h.deleted.set('gone', 15); // visible before the ack, deleted: fine
      ack(h, 'again', 50, 60);
      h.deleted.set('again', 30); // deleted, then a retry delivered it again at 50
      list(h, 'n1', ['again']);
      list(h, 'n2', []);
    });
    expect(checkers.noLoss(r).examples).toEqual(["again (acked to u1 by n1 at 60ms) missing from n2's listing"]);
    expect(checkers.deletedNeverReappears(r).ok).toBe(true); // a re-delivery is not a reappearance
  });

  it('deletedNeverReappears: a deleted message listed after the deletion is a violation', () => {
    const r = resultWith((h) => {
      ack(h, 'm1', 1, 2);
      h.deleted.set('m1', 5);
      list(h, 'n1', ['m1'], 100);
      list(h, 'n2', [], 100);
    });
    expect(checkers.deletedNeverReappears(r).examples).toEqual(['m1 (deleted at 5ms) listed again by n1 for u1 at 100ms']);
  });

  it('a delete that overlapped a (re-)delivery of the same message may lose or win; one issued after the ack must win', () => {
    const r = resultWith((h) => {
      ack(h, 'overlap', 10, 20); // a sender's retry: DATA at 10, 250 at 20
      h.deleted.set('overlap', 30); // listed at 2 (an earlier attempt's copy), QUIT sent at 5, answered at 30
      h.deleteSentAt.set('overlap', 5);
      h.deleteAuthAt.set('overlap', 2);
      ack(h, 'after', 10, 20);
      h.deleted.set('after', 30); // QUIT sent at 25, after the 250: the delete is later, it must stick
      h.deleteSentAt.set('after', 25);
      h.deleteAuthAt.set('after', 24);
      list(h, 'n1', ['overlap', 'after'], 100);
    }, ['n1']);
    expect(checkers.deletionOf(r, r.history.acked.get('overlap')!)).toBe('either');
    expect(checkers.deletedNeverReappears(r).examples).toEqual(['after (deleted at 30ms) listed again by n1 for u1 at 100ms']);
    expect(checkers.noLoss(r).ok).toBe(true); // absence of either would be fine too
  });

  it('deletedNeverReappears: an unacknowledged message stored again by a retry after its deletion is a new delivery (B3)', () => {
    const body = 'Message-ID: <k7@x>\r\n\r\nhi';
    const run = (lastData: number): SimResult =>
      resultWith((h) => {
        h.deleted.set('m7', 30); // every attempt was answered 451, yet a copy was stored, listed at 20, deleted
        h.deleteAuthAt.set('m7', 20);
        h.lastDataSentAt.set(body, lastData); // by the client message's body (its Message-ID header included)
        list(h, 'n1', ['m7'], 100, { m7: body });
      }, ['n1']);
    expect(checkers.deletedNeverReappears(run(40)).ok).toBe(true); // a retry sent DATA after the listing
    expect(checkers.deletedNeverReappears(run(10)).examples).toEqual(['m7 (deleted at 30ms) listed again by n1 for u1 at 100ms']);
  });

  it('exactlyOnceListing: the same client message under two ids is a duplicate', () => {
    const r = resultWith((h) => {
      list(h, 'n1', ['a', 'b'], 100, { a: 'Message-ID: <k1@x>\r\n\r\nhi', b: 'Message-ID: <k1@x>\r\n\r\nhi' });
      list(h, 'n2', ['a', 'a'], 100);
    });
    expect(checkers.exactlyOnceListing(r).examples).toEqual(['n1 lists client message <k1@x> twice for u1: a and b', 'n2 lists a twice for u1']);
  });

  it('exactlyOnceListing: two different messages that share a Message-ID are two messages (issue 13)', () => {
    const r = resultWith((h) => list(h, 'n1', ['a', 'b'], 100, { a: 'Message-ID: <k1@x>\r\n\r\nhi', b: 'Message-ID: <k1@x>\r\n\r\nhello' }));
    expect(checkers.exactlyOnceListing(r).ok).toBe(true);
  });

  it('byteIdenticalBodies and listingsAgree', () => {
    const r = resultWith((h) => {
      ack(h, 'm1', 1, 2, 'original');
      list(h, 'n1', ['m1'], 100, { m1: 'original' });
      list(h, 'n2', ['m1', 'm9'], 100, { m1: 'changed' });
    });
    expect(checkers.byteIdenticalBodies(r).examples).toEqual(['n2 returned a different body for m1 (7 bytes, sent 8)']);
    expect(checkers.listingsAgree(r).ok).toBe(false);
  });

  it("checkAll's spreadBound allows spread × R nodes per user when R > 2, and still spread × 2 otherwise", () => {
    // A user's mail on 5 of 5 nodes with spread 2: R = 3 puts each store on 3 nodes (more than the spread),
    // and with two nodes down every store must use the 3 live ones (kept trace replication-takeover-r3-5-nodes).
    const spreadOf = (replicas: number, holders: string[]): boolean | undefined => {
      const r = { ...resultWith(() => undefined), config: makeConfig({ nodes: 7, node: { spread: 2, replicas } }), holders: new Map([['user0', holders]]), phases: { workloadCompleted: true, finalCheckCompleted: true } } as unknown as SimResult;
      return checkers.checkAll(r).find((c) => c.name === 'spreadBound')?.ok;
    };
    const five = ['n1', 'n2', 'n3', 'n4', 'n5'];
    expect(spreadOf(3, five)).toBe(true);
    expect(spreadOf(3, [...five, 'n6', 'n7'])).toBe(false); // 7 > 2 × 3
    expect(spreadOf(2, five)).toBe(false); // 5 > 2 × 2, as before
    expect(spreadOf(0, five)).toBe(false); // the unreplicated path keeps spread × 2
    expect(spreadOf(2, five.slice(0, 4))).toBe(true);
  });
});
