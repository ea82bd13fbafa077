// Last-writer-wins: replicas that apply the same updates in any order (with duplicates) end equal, holding
// the update with the largest timestamp; an older update never replaces a newer one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareTimestamp, type Timestamp } from '../../src/pure/replication/hlc.js';
import { applyIfNewer } from '../../src/pure/replication/lww.js';
import type { Versioned } from '../../src/pure/replication/objects.js';
import { propertyParams } from './fc-params.js';

const file = 'test/replication/lww.test.ts';

function version(ts: Timestamp, verifier: string): Versioned {
  return { id: 'p/alice', ts, value: { kind: 'profile', user: 'alice', verifier }, replicas: ['n1', 'n2'] };
}

const tsArb = fc.record({ wallMs: fc.nat(20), logical: fc.nat(3), node: fc.constantFrom('n1', 'n2', 'n10') });

function applyAll(updates: readonly Versioned[]): Versioned | undefined {
  let cur: Versioned | undefined;
  for (const u of updates) {
    const o = applyIfNewer(cur, u);
    if (o.kind === 'applied') cur = o.next;
  }
  return cur;
}

describe('last writer wins', () => {
  it('converges: any order and duplication of the same updates gives the newest one', () => {
    const arb = fc.uniqueArray(tsArb, { minLength: 1, maxLength: 8, selector: (t) => `${t.wallMs}.${t.logical}@${t.node}` }).chain((tss) => {
      const updates = tss.map((t, i) => version(t, `v${i}`));
      return fc.tuple(fc.constant(updates), fc.shuffledSubarray(updates, { minLength: updates.length }), fc.array(fc.constantFrom(...updates)));
    });
    fc.assert(
      fc.property(arb, ([updates, shuffled, dups]) => {
        const newest = [...updates].sort((a, b) => compareTimestamp(a.ts, b.ts)).at(-1);
        expect(applyAll(updates)).toEqual(newest);
        expect(applyAll([...shuffled, ...dups])).toEqual(newest);
      }),
      propertyParams('lww converges', file),
    );
  });

  it('classifies: newer applies, same timestamp is a duplicate, older is stale', () => {
    const old = version({ wallMs: 1, logical: 0, node: 'n1' }, 'a');
    const neu = version({ wallMs: 2, logical: 0, node: 'n1' }, 'b');
    expect(applyIfNewer(undefined, old).kind).toBe('applied');
    expect(applyIfNewer(old, neu)).toEqual({ kind: 'applied', next: neu, previous: old });
    expect(applyIfNewer(neu, neu).kind).toBe('duplicate');
    expect(applyIfNewer(neu, old).kind).toBe('stale');
  });
});
