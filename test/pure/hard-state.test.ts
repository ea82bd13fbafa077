import { describe, expect, it } from 'vitest';
import { applyHardWrite, emptyHardState, provisionUsers, type HardWrite } from '../../src/pure/hard-state.js';
import { canonical } from '../../src/pure/canonical.js';
import { findProfile } from '../../src/pure/user-db/user-db.js';
import { deepFreeze } from './deep-freeze.js';

describe('hard state', () => {
  const writes: HardWrite[] = [
    { kind: 'incarnation', incarnation: 3 },
    { kind: 'storeMessage', user: 'alice', msg: { msgId: 'n1-1-0', body: 'hi', sizeBytes: 2 } },
    { kind: 'storeMessage', user: 'alice', msg: { msgId: 'n1-1-1', body: 'yo', sizeBytes: 2 } },
    { kind: 'deleteMessages', user: 'alice', msgIds: ['n1-1-0'] },
    { kind: 'setProfile', user: 'bob', profile: { verifier: 'v:x' } },
    { kind: 'provisionUsers', range: { prefix: 'user', count: 5, verifier: 'v:pw' } },
  ];

  it('applying every write twice gives the same state as once (duplicated writes are harmless)', () => {
    const once = writes.reduce((h, w) => applyHardWrite(deepFreeze(h), w), emptyHardState());
    const twice = writes.reduce((h, w) => applyHardWrite(applyHardWrite(deepFreeze(h), w), w), emptyHardState());
    expect(canonical(twice)).toBe(canonical(once));
    expect(once.incarnation).toBe(3);
    expect(once.fragments.get('alice')?.keys()).toEqual(['n1-1-1']);
  });

  it('removes a fragment entirely when its last message is deleted', () => {
    let h = applyHardWrite(emptyHardState(), writes[1]);
    h = applyHardWrite(h, { kind: 'deleteMessages', user: 'alice', msgIds: ['n1-1-0', 'nope'] });
    expect(h.fragments.has('alice')).toBe(false);
  });

  it('provisioned ranges: canonical decimal numbers below count exist; explicit profiles override', () => {
    let h = provisionUsers(emptyHardState(), { prefix: 'user', count: 4_800_000, verifier: 'v:pw' });
    expect(findProfile(h.userDb, 'user0')?.verifier).toBe('v:pw');
    expect(findProfile(h.userDb, 'user4799999')?.verifier).toBe('v:pw');
    for (const u of ['user4800000', 'user007', 'user', 'user-1', 'userx', 'alice']) expect(findProfile(h.userDb, u)).toBeUndefined();
    h = applyHardWrite(h, { kind: 'setProfile', user: 'user7', profile: { verifier: 'v:new' } });
    expect(findProfile(h.userDb, 'user7')?.verifier).toBe('v:new');
    expect(h.userDb.profiles.size).toBe(1);
  });
});
