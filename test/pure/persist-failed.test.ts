// A durable write that fails (a full disk) is an input to the reducer, `persistFailed`: the waiting SMTP
// transaction answers 452, a POP QUIT -ERR [SYS/TEMP], an admin write fails, and nothing is acknowledged.
import { describe, expect, it } from 'vitest';
import { emptyHardState, provisionUsers } from '../../src/pure/hard-state.js';
import type { ClientReply, NodeConfig } from '../../src/pure/io.js';
import { NodeCluster as Cluster, verifierOf } from '../support/node-cluster.js';

const nodes = ['n1', 'n2', 'n3'];
const seeded = () => provisionUsers(emptyHardState(), { prefix: 'user', count: 20, verifier: verifierOf('pw') });

function cluster(config: NodeConfig): Cluster {
  const c = new Cluster(config);
  for (const n of nodes) c.boot(n, seeded());
  c.deliverAll();
  c.formView();
  return c;
}

function lastReply(c: Cluster, session: string): ClientReply | undefined {
  return c.replies.filter((r) => r.session === session).at(-1)?.reply;
}

const configs: [string, NodeConfig][] = [
  ['unreplicated', { nodes, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 10_000 }],
  ['replicated R=2, ackReplicas 2', { nodes, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 10_000, replicas: 2, ackReplicas: 2 }],
];

describe.each(configs)('a failed durable write (%s)', (_name, config) => {
  it('every full disk: DATA answers 452 for each recipient and no copy is acknowledged or listed', () => {
    const c = cluster(config);
    for (const n of nodes) c.fullDisks.add(n);
    c.client('n1', 's1', { kind: 'smtpData', sender: 'x', recipients: ['user1', 'user2'], body: 'hello' });
    c.deliverAll();
    const r = lastReply(c, 's1');
    expect(r).toMatchObject({ kind: 'smtpData', code: 452, text: '4.3.1 insufficient system storage' });
    expect(r?.kind === 'smtpData' ? r.results.map((x) => x.code) : []).toEqual([452, 452]);
    // Nothing reached any disk.
    for (const n of nodes) expect(c.disk(n).fragments.size).toBe(0);
  });

  it('the disk frees up: the same node stores the next message (250) and it is durable', () => {
    const c = cluster(config);
    for (const n of nodes) c.fullDisks.add(n);
    c.client('n2', 's1', { kind: 'smtpData', sender: 'x', recipients: ['user3'], body: 'one' });
    c.deliverAll();
    expect(lastReply(c, 's1')).toMatchObject({ code: 452 });
    c.fullDisks.clear();
    c.client('n2', 's2', { kind: 'smtpData', sender: 'x', recipients: ['user4'], body: 'two' });
    c.deliverAll();
    expect(lastReply(c, 's2')).toMatchObject({ code: 250 });
    const held = nodes.filter((n) => c.disk(n).fragments.get('user4') !== undefined);
    expect(held.length).toBe(config.replicas ?? 1);
  });

  it('POP QUIT whose deletes cannot be written answers -ERR [SYS/TEMP] and the message stays on disk', () => {
    const c = cluster(config);
    c.client('n1', 's1', { kind: 'smtpData', sender: 'x', recipients: ['user5'], body: 'keep me' });
    c.deliverAll();
    expect(lastReply(c, 's1')).toMatchObject({ code: 250 });
    c.client('n3', 'p1', { kind: 'popAuth', user: 'user5', password: 'pw' });
    c.deliverAll();
    const list = c.replies.filter((r) => r.session === 'p1').map((r) => r.reply).find((r) => r.kind === 'popList' || r.kind === 'popAuth');
    expect(list).toMatchObject({ ok: true });
    c.client('n3', 'p1', { kind: 'popList' });
    c.deliverAll();
    const listing = lastReply(c, 'p1');
    const msgId = listing?.kind === 'popList' ? listing.messages[0]?.msgId : undefined;
    expect(msgId).toBeDefined();
    c.client('n3', 'p1', { kind: 'popDele', msgId: msgId ?? '' });
    c.deliverAll();
    for (const n of nodes) c.fullDisks.add(n);
    c.client('n3', 'p1', { kind: 'popQuit' });
    c.deliverAll();
    const quit = lastReply(c, 'p1');
    expect(quit).toMatchObject({ kind: 'popQuit', ok: false });
    expect(quit?.kind === 'popQuit' ? quit.text : '').toContain('[SYS/TEMP]');
    const held = nodes.filter((n) => c.disk(n).fragments.get('user5')?.has(msgId ?? '') === true);
    expect(held.length).toBe(config.replicas ?? 1);
  });

  it('an admin write to a full disk is refused, not saved', () => {
    const c = cluster(config);
    for (const n of nodes) c.fullDisks.add(n);
    c.client('n1', 'a1', { kind: 'adminSetUser', user: 'alice', verifier: verifierOf('x') });
    c.deliverAll();
    expect(lastReply(c, 'a1')).toMatchObject({ kind: 'adminSetUser', ok: false, text: 'insufficient storage at the user manager' });
  });
});

describe('a participant whose disk is full (replicated R=2, ackReplicas 2)', () => {
  it('answers the push with replNack and the delivery gets 452 at once, without any timer firing; the coordinator keeps its copy', () => {
    const config = configs[1][1];
    let participantCases = 0;
    for (const full of nodes) {
      for (let k = 0; k < 6; k++) {
        const c = cluster(config);
        c.fullDisks.add(full);
        const user = `user${k}`;
        c.client('n1', 's1', { kind: 'smtpData', sender: 'x', recipients: [user], body: `to ${user}` });
        c.deliverAll(); // no timer fires: only a nack can answer before the proxy's RPC timeout
        const r = lastReply(c, 's1');
        expect(r, `${user}, ${full} full`).toBeDefined();
        const holders = nodes.filter((n) => c.disk(n).fragments.get(user) !== undefined);
        // The full node refused a push: some other node (the coordinator) holds the only durable copy.
        if (holders.length === 1 && !holders.includes(full)) {
          participantCases++;
          expect(r).toMatchObject({ kind: 'smtpData', code: 452 });
        } else {
          expect([250, 452]).toContain(r?.kind === 'smtpData' ? r.code : 0);
        }
      }
    }
    expect(participantCases).toBeGreaterThan(0);
  });

  it('with R = 3 and ackReplicas 2 one refusing participant is not enough to fail: the other two copies give 250', () => {
    const config3: NodeConfig = { nodes, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 10_000, replicas: 3, ackReplicas: 2 };
    let participantFull = 0;
    for (const full of nodes) {
      const c = cluster(config3);
      c.fullDisks.add(full);
      c.client('n1', 's1', { kind: 'smtpData', sender: 'x', recipients: ['user7'], body: `full ${full}` });
      c.deliverAll();
      const holders = nodes.filter((n) => c.disk(n).fragments.get('user7') !== undefined);
      // The coordinator's own failed write is a 452 (its copy is one of the two it counts); a participant's
      // is not: the other two copies give the 250. (With the parallel push the participants may hold copies
      // in the coordinator's case too, so the reply, not the holders, tells the cases apart.)
      const reply = lastReply(c, 's1');
      expect(reply, `${full} full`).toMatchObject({ kind: 'smtpData' });
      if (reply?.kind === 'smtpData' && reply.code === 250) {
        participantFull++;
        expect(holders, `${full} full`).toEqual(nodes.filter((n) => n !== full));
      } else expect(reply, `${full} full`).toMatchObject({ kind: 'smtpData', code: 452 });
    }
    expect(participantFull).toBe(2); // all three nodes are targets: two of the three cases fill a participant
  });
});

describe('user removal', () => {
  it('a removed user (empty verifier) is unknown to RCPT and cannot log in; re-adding restores it', () => {
    const c = cluster(configs[1][1]);
    c.client('n1', 'a1', { kind: 'adminSetUser', user: 'bob', verifier: verifierOf('pw') });
    c.deliverAll();
    expect(lastReply(c, 'a1')).toMatchObject({ ok: true });
    c.client('n2', 'r1', { kind: 'smtpRcpt', user: 'bob' });
    c.deliverAll();
    expect(lastReply(c, 'r1')).toMatchObject({ code: 250 });
    c.client('n1', 'a2', { kind: 'adminSetUser', user: 'bob', verifier: '' });
    c.deliverAll();
    expect(lastReply(c, 'a2')).toMatchObject({ ok: true });
    c.client('n3', 'r2', { kind: 'smtpRcpt', user: 'bob' });
    c.deliverAll();
    expect(lastReply(c, 'r2')).toMatchObject({ code: 550 });
    c.client('n3', 'p1', { kind: 'popAuth', user: 'bob', password: '' });
    c.deliverAll();
    expect(lastReply(c, 'p1')).toMatchObject({ kind: 'popAuth', ok: false });
    c.client('n1', 'a3', { kind: 'adminSetUser', user: 'bob', verifier: verifierOf('new') });
    c.deliverAll();
    c.client('n2', 'r3', { kind: 'smtpRcpt', user: 'bob' });
    c.deliverAll();
    expect(lastReply(c, 'r3')).toMatchObject({ code: 250 });
  });
});

describe('user listing (adminListUsers)', () => {
  it('lists every live profile once, gathered from all members; a removed user is not listed', () => {
    const c = cluster(configs[1][1]);
    for (const [i, u] of ['dora', 'eve', 'finn', 'gus'].entries()) c.client(nodes[i % 3], `a${i}`, { kind: 'adminSetUser', user: u, verifier: verifierOf('pw') });
    c.deliverAll();
    c.client('n1', 'rm', { kind: 'adminSetUser', user: 'eve', verifier: '' });
    c.deliverAll();
    c.client('n2', 'l1', { kind: 'adminListUsers' });
    c.deliverAll();
    expect(lastReply(c, 'l1')).toEqual({ kind: 'adminListUsers', ok: true, users: ['dora', 'finn', 'gus'], text: '3 users' });
  });
});
