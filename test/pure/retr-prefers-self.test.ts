// A RETR fetches the body from this node when it holds a copy (issue 8, POP3 throughput): the fetch is then a
// local step (handled within the same reducer step) rather than a round trip to another holder; other holders are tried after it, in node order.
import { describe, expect, it } from 'vitest';
import type { Message } from '../../src/pure/messages.js';
import { onFetchDone, onPopRetr } from '../../src/pure/proxy/retrieval.js';
import { emptyProxyState, withSession, type PopSession } from '../../src/pure/proxy/proxy-state.js';
import { newStepCtx, type StepCtx } from '../../src/pure/step-context.js';

const nodes = ['n1', 'n2', 'n3'];
const config = { nodes, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 100, replicas: 2 } as const;
const ctx = (self: string): StepCtx => newStepCtx(self, { now: 0, entropy: 0 }, config, { pending: 0, at: 0 }, 1, 100);
// Where each fetchMsg goes: a message to this node stays in the step (`ctx.local`), one to a peer is a `send`.
const fetches = (c: StepCtx): string[] => [
  ...c.local.flatMap((m) => (m.kind === 'fetchMsg' ? [c.self] : [])),
  ...c.effects.flatMap((e) => (e.kind === 'send' && e.message.kind === 'fetchMsg' ? [e.to] : [])),
];

const session: PopSession = {
  kind: 'pop', phase: 'ready', user: 'alice', password: '', mailMap: ['n1', 'n2', 'n3'], gathered: [], unreachable: [],
  maildrop: [{ msgId: 'm1', sizeBytes: 1, nodes: ['n1', 'n3'] }], marked: [], open: 0, failed: false,
};

describe('RETR fetch order', () => {
  it('fetches from this node first when it holds the message, then from the other holders in node order', () => {
    const c = ctx('n3');
    const p = onPopRetr(c, withSession(emptyProxyState(), 'p1', session), 'p1', 'm1', nodes);
    expect(fetches(c)).toEqual(['n3']);
    // This node's copy is gone (collected meanwhile): the next holder, n1, is asked.
    const [rid, pending] = p.calls.entries()[0];
    const c2 = ctx('n3');
    const fetched: Extract<Message, { kind: 'fetched' }> = { kind: 'fetched', rid, body: null, load: { pending: 0, at: 0 } };
    onFetchDone(c2, p, pending.call as Extract<typeof pending.call, { kind: 'fetch' }>, fetched);
    expect(fetches(c2)).toEqual(['n1']);
  });

  it('a node that holds no copy asks the holders in node order', () => {
    const c = ctx('n2');
    onPopRetr(c, withSession(emptyProxyState(), 'p1', session), 'p1', 'm1', nodes);
    expect(fetches(c)).toEqual(['n1']);
  });
});
