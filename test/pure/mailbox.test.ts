import { describe, expect, it } from 'vitest';
import { emptyHardState, type HardState } from '../../src/pure/hard-state.js';
import type { Effect } from '../../src/pure/io.js';
import * as mailbox from '../../src/pure/mailbox/mailbox.js';
import { newStepCtx, type StepCtx } from '../../src/pure/step-context.js';
import { addFragmentNode, fragmentNodes, removeFragmentNode, type MailMap } from '../../src/pure/soft-state/mail-map.js';
import { PMap } from '../../src/pure/pmap.js';
import { initialUserMap, managerOf } from '../../src/pure/user-map/user-map.js';
import { deepFreeze } from './deep-freeze.js';

const config = { nodes: ['n1', 'n2'], loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 100 } as const;
const userMap = initialUserMap(config.nodes);
const ctx = (): StepCtx => newStepCtx('n1', { now: 0, entropy: 0 }, config, { pending: 0, at: 0 }, 1, 100);
const msg = { msgId: 'm1', body: 'x', sizeBytes: 1 };
const kinds = (es: readonly Effect[]) => es.map((e) => (e.kind === 'send' ? `send:${e.message.kind}` : e.kind === 'trace' ? `trace:${e.action}` : e.kind));

function fresh(): mailbox.MailboxStep {
  return { hard: emptyHardState(), mailbox: mailbox.emptyMailboxState(1) };
}

describe('mailbox manager', () => {
  it('answers a store only once it is durable, and a duplicate in flight waits for the same write', () => {
    const c = ctx();
    let s = mailbox.onStoreMsg(c, deepFreeze(fresh()), 'n2', { kind: 'storeMsg', rid: 7, user: 'alice', msg });
    s = mailbox.onStoreMsg(c, deepFreeze(s), 'n2', { kind: 'storeMsg', rid: 8, user: 'alice', msg });
    expect(kinds(c.effects)).toEqual(['persist']);
    const c2 = ctx();
    s = mailbox.onPersisted(c2, deepFreeze(s), userMap, 100, s.mailbox.pending.get(100)!);
    const stored = c2.effects.flatMap((e) => (e.kind === 'send' && e.message.kind === 'stored' ? [e.message.rid] : []));
    expect(stored).toEqual([7, 8]);
    // The new fragment is announced to the user's manager (here possibly n1 itself: a local call).
    expect([...c2.local, ...c2.effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []))].some((m) => m.kind === 'mailMapUpdate' && m.present)).toBe(true);
    // A store of a message that is already durable is answered at once, without a write.
    const c3 = ctx();
    mailbox.onStoreMsg(c3, deepFreeze(s), 'n2', { kind: 'storeMsg', rid: 9, user: 'alice', msg });
    expect(kinds(c3.effects)).toEqual(['trace:StoreDuplicate', 'send:stored']);
  });

  it('retries a fragment notice until the manager acknowledges that exact stamp', () => {
    const c = ctx();
    let s = mailbox.onStoreMsg(c, fresh(), 'n2', { kind: 'storeMsg', rid: 1, user: 'bob', msg });
    s = mailbox.onPersisted(c, s, userMap, 100, s.mailbox.pending.get(100)!);
    const n = s.mailbox.notices.get('bob');
    expect(n?.present).toBe(true);
    const c2 = ctx();
    let mb = mailbox.onNoticeTimer(c2, s.mailbox, userMap);
    const resent = [...c2.local, ...c2.effects.flatMap((e) => (e.kind === 'send' ? [e.message] : []))];
    expect(resent).toEqual([{ kind: 'mailMapUpdate', user: 'bob', present: true, stamp: n?.stamp }]);
    expect(c2.effects.some((e) => e.kind === 'setTimer')).toBe(true);
    mb = mailbox.onMailMapAck(mb, { kind: 'mailMapAck', user: 'bob', stamp: (n?.stamp ?? 0) - 1 });
    expect(mb.notices.size).toBe(1);
    mb = mailbox.onMailMapAck(mb, { kind: 'mailMapAck', user: 'bob', stamp: n?.stamp ?? 0 });
    expect(mb.notices.size).toBe(0);
    const c3 = ctx();
    expect(mailbox.onNoticeTimer(c3, mb, userMap).noticeTimerArmed).toBe(false);
    expect(c3.effects).toEqual([]);
    expect(managerOf(userMap, 'bob')).toMatch(/^n[12]$/);
  });

  it('a delete that empties the fragment tells the manager the fragment is gone', () => {
    const c = ctx();
    let s = mailbox.onStoreMsg(c, fresh(), 'n2', { kind: 'storeMsg', rid: 1, user: 'carol', msg });
    s = mailbox.onPersisted(c, s, userMap, 100, s.mailbox.pending.get(100)!);
    s = mailbox.onDeleteMsgs(c, s, 'n2', { kind: 'deleteMsgs', rid: 2, user: 'carol', msgIds: ['m1'] });
    expect((s.hard as HardState).fragments.has('carol')).toBe(false);
    s = mailbox.onPersisted(c, s, userMap, 101, s.mailbox.pending.get(101)!);
    expect(s.mailbox.notices.get('carol')?.present).toBe(false);
  });
});

describe('mail map', () => {
  it('a late "gone" notice cannot erase a newer "created" one (reordering is harmless)', () => {
    let m: MailMap = PMap.empty();
    m = addFragmentNode(m, 'alice', 'n2', 5);
    m = removeFragmentNode(m, 'alice', 'n2', 4);
    expect(fragmentNodes(m, 'alice')).toEqual(['n2']);
    m = addFragmentNode(m, 'alice', 'n10', 1);
    m = addFragmentNode(m, 'alice', 'n3', 1);
    expect(fragmentNodes(m, 'alice')).toEqual(['n2', 'n3', 'n10']);
    m = removeFragmentNode(m, 'alice', 'n2', 6);
    expect(fragmentNodes(m, 'alice')).toEqual(['n3', 'n10']);
  });
});
