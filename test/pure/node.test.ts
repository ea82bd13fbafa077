import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyHardState, provisionUsers } from '../../src/pure/hard-state.js';
import { mix32 } from '../../src/pure/hash.js';
import type { Effect } from '../../src/pure/io.js';
import { digestNode, initialNodeState, stepNode } from '../../src/pure/node.js';
import { traceActions } from '../../src/pure/trace-actions.js';
import { NodeCluster as Cluster, verifierOf } from '../support/node-cluster.js';
import { assertProperty } from './property-config.js';

const config = { nodes: ['n1', 'n2', 'n3'], loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 1000 } as const;
const env = { now: 1000, entropy: 7 };
const seeded = () => provisionUsers(emptyHardState(), { prefix: 'user', count: 20, verifier: verifierOf('pw') });

function traces(effects: readonly Effect[]): string[] {
  return effects.flatMap((e) => (e.kind === 'trace' ? [e.action] : []));
}

describe('node reducer', () => {
  it('drops every input before boot as traced data (no exception)', () => {
    const r = stepNode(initialNodeState(), { kind: 'timer', timer: 'load:ring' }, env);
    expect(traces(r.effects)).toEqual(['Drop']);
    expect(r.state).toEqual(initialNodeState());
  });

  it('boot persists the incarnation bump and is ready only once it is durable', () => {
    const b = stepNode(initialNodeState(), { kind: 'boot', self: 'n1', hard: seeded(), config }, env);
    const persist = b.effects.find((e) => e.kind === 'persist');
    expect(persist).toMatchObject({ write: { kind: 'incarnation', incarnation: 1 } });
    expect(b.state.ready).toBe(false);
    const r = stepNode(b.state, { kind: 'persisted', id: persist?.kind === 'persist' ? persist.id : -1 }, env);
    expect(r.state.ready).toBe(true);
    expect(traces(r.effects)).toEqual(['Ready']);
  });

  it('a stale reply, an unknown timer and an unknown persist id are traced drops that change no transaction', () => {
    const s = stepNode(initialNodeState(), { kind: 'boot', self: 'n1', hard: seeded(), config }, env).state;
    for (const input of [
      { kind: 'message', from: 'n2', message: { kind: 'stored', rid: 12345, load: { pending: 0, at: 0 } } },
      { kind: 'timer', timer: 'nope' },
      { kind: 'persisted', id: 999 },
    ] as const) {
      const r = stepNode(s, input, env);
      expect(traces(r.effects)).toEqual(['Drop']);
      // Only the load table may learn from a stale reply's piggybacked load.
      expect(digestNode({ ...r.state, load: s.load })).toBe(digestNode(s));
    }
  });

  it('is deterministic: the same inputs and env give the same digest', () => {
    const run = () => {
      const c = new Cluster(config);
      for (const n of config.nodes) c.boot(n, seeded());
      c.deliverAll();
      c.client('n1', 's', { kind: 'smtpData', sender: 'x', recipients: ['user1', 'user2', 'user3'], body: 'b' });
      c.deliverAll();
      return config.nodes.map((n) => c.digest(n)).join('\n');
    };
    expect(run()).toBe(run());
  });

  it('emits only the trace actions listed in trace-actions.ts', () => {
    const c = new Cluster(config);
    for (const n of config.nodes) c.boot(n, seeded());
    c.deliverAll();
    c.client('n1', 's', { kind: 'smtpData', sender: 'x', recipients: ['user1'], body: 'b' });
    c.deliverAll();
    const seen = new Set(c.traces.map((t) => t.action));
    expect(seen.size).toBeGreaterThan(4);
    for (const a of seen) expect(traceActions as readonly string[]).toContain(a);
  });

  it('the ring pass spreads every node\'s load to every other node within two rounds', () => {
    const c = new Cluster(config);
    for (const n of config.nodes) c.boot(n, seeded());
    c.deliverAll();
    for (let round = 0; round < 2; round++) {
      c.now += 1000;
      c.fireTimers('load:');
      c.deliverAll();
    }
    for (const n of config.nodes) {
      const known = c.node(n).load.table.keys().sort();
      expect(known).toEqual(config.nodes.filter((m) => m !== n));
    }
    expect(c.pendingTimers().filter((t) => t.endsWith('load:ring'))).toHaveLength(3);
  });

  it('property: with messages duplicated and delivered in random order, every acknowledged message is listed exactly once and a QUIT deletes it everywhere', () => {
    assertProperty(
      fc.property(fc.integer(), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 12 }), fc.boolean(), (seed, rcpts, dup) => {
        const c = new Cluster(config);
        c.duplicate = dup;
        let k = 0;
        const pick = (n: number) => mix32(seed + k++) % n;
        for (const n of config.nodes) c.boot(n, seeded());
        c.deliverAll(100_000, pick);
        rcpts.forEach((u, i) => c.client(config.nodes[i % 3], `s${i}`, { kind: 'smtpData', sender: 'x', recipients: [`user${u}`], body: `m${i}` }));
        c.deliverAll(100_000, pick);
        const acked = c.replies.flatMap((r) => (r.reply.kind === 'smtpData' && r.reply.code === 250 ? [r.reply.results[0]] : []));
        expect(acked).toHaveLength(rcpts.length);
        for (const u of new Set(rcpts)) {
          const mine = acked.filter((a) => a.user === `user${u}`).map((a) => a.msgId).sort();
          c.client('n2', `p${u}`, { kind: 'popAuth', user: `user${u}`, password: 'pw' });
          c.deliverAll(100_000, pick);
          c.client('n2', `p${u}`, { kind: 'popList' });
          c.deliverAll(100_000, pick);
          const list = c.replies.filter((r) => r.session === `p${u}` && r.reply.kind === 'popList').pop()?.reply;
          expect(list?.kind === 'popList' ? list.messages.map((m) => m.msgId).sort() : []).toEqual(mine);
          list?.kind === 'popList' && list.messages.forEach((m) => c.client('n2', `p${u}`, { kind: 'popDele', msgId: m.msgId }));
          c.client('n2', `p${u}`, { kind: 'popQuit' });
          c.deliverAll(100_000, pick);
        }
        for (const n of config.nodes) expect(c.node(n).hard.fragments.size).toBe(0);
        for (const n of config.nodes) expect(c.node(n).manager.mailMap.size).toBe(0);
      }),
      60,
      'test/pure/node.test.ts',
    );
  });

  it('property: with messages lost at random, every client request still gets exactly one reply once timeouts have run', () => {
    assertProperty(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 }), (seed, lossIn10, rcpts) => {
        const c = new Cluster(config);
        let k = 0;
        const lose = () => mix32(seed + k++) % 10 < lossIn10;
        for (const n of config.nodes) c.boot(n, seeded());
        c.deliverAll();
        rcpts.forEach((u, i) => {
          c.client(config.nodes[i % 3], `s${i}`, { kind: 'smtpData', sender: 'x', recipients: [`user${u}`], body: `m${i}` });
          c.client(config.nodes[(i + 1) % 3], `r${i}`, { kind: 'smtpRcpt', user: `user${u}` });
          c.client(config.nodes[(i + 2) % 3], `p${i}`, { kind: 'popAuth', user: `user${u}`, password: 'pw' });
        });
        c.deliverAll(100_000, undefined, lose);
        for (let round = 0; round < 4; round++) {
          c.now += 7_000;
          c.fireTimers('rpc:');
          c.deliverAll(100_000, undefined, lose);
        }
        const answered = c.replies.map((r) => r.session).sort();
        const asked = rcpts.flatMap((_, i) => [`s${i}`, `r${i}`, `p${i}`]).sort();
        expect(answered).toEqual(asked);
        for (const r of c.replies) if (r.reply.kind === 'smtpData' && r.reply.code !== 250) expect(r.reply.code).toBe(451);
      }),
      60,
      'test/pure/node.test.ts',
    );
  });
});
