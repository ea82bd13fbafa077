import { describe, expect, it } from 'vitest';
import { emptyHardState } from '../../src/pure/hard-state.js';
import { Disk } from '../../src/sim/disk.js';

const store = (user: string, msgId: string) => ({ kind: 'storeMessage', user, msg: { msgId, body: 'b', sizeBytes: 1 } }) as const;

describe('Disk', () => {
  it('completes writes in issue order, never earlier than their latency', () => {
    const d = new Disk(emptyHardState());
    expect(d.schedule(0, 10)).toBe(10);
    expect(d.schedule(1, 2)).toBe(10); // queued behind the first write
    expect(d.schedule(50, 2)).toBe(52);
    expect(d.inFlight).toBe(3);
  });

  it('counts durably stored messages: duplicates once, deletes subtract what was there', () => {
    const d = new Disk(emptyHardState());
    d.complete(store('u1', 'a'));
    d.complete(store('u1', 'a'));
    d.complete(store('u1', 'b'));
    d.complete(store('u2', 'c'));
    expect(d.storedMessages).toBe(3);
    d.complete({ kind: 'deleteMessages', user: 'u1', msgIds: ['a', 'a', 'zz'] });
    expect(d.storedMessages).toBe(2);
    d.complete({ kind: 'deleteMessages', user: 'u1', msgIds: ['b'] });
    expect(d.storedMessages).toBe(1);
    let actual = 0;
    d.durable.fragments.forEach((f) => (actual += f.size));
    expect(actual).toBe(1);
  });

  it('folds completed writes lazily with the same result as one at a time, and a wipe drops the unfolded ones', () => {
    const d = new Disk(emptyHardState());
    const n = (1 << 16) + 5; // past the log length that forces a fold
    for (let i = 0; i < n; i++) d.complete(store(`u${i % 1000}`, `m${i % 5000}`));
    expect(d.writesDurable).toBe(n);
    expect(d.storedMessages).toBe(5000); // (user, msgId) pairs repeat every 5000 writes
    const before = d.durable;
    expect(d.durable).toBe(before); // nothing new to fold: the same state
    d.complete(store('late', 'x'));
    expect(d.durable.fragments.get('late')?.has('x')).toBe(true);
    d.complete(store('gone', 'y'));
    d.wipe(emptyHardState());
    expect(d.storedMessages).toBe(0);
    expect(d.durable.fragments.size).toBe(0);
  });

  it('a crash counts in-flight writes as lost and resets the queue', () => {
    const d = new Disk(emptyHardState());
    d.schedule(0, 10);
    d.schedule(0, 10);
    d.crash();
    expect(d.writesLost).toBe(2);
    expect(d.inFlight).toBe(0);
    expect(d.schedule(3, 1)).toBe(4);
  });
});
