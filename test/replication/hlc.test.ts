// Hybrid logical clock properties: monotonic, causal (receive then tick is above the remote timestamp),
// and within the clock skew of the wall clock when the skew is bounded.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareHlc, compareTimestamp, receive, stamp, tick, zeroHlc, type Hlc } from '../../src/pure/replication/hlc.js';
import { propertyParams } from './fc-params.js';

const file = 'test/replication/hlc.test.ts';

type Op = { kind: 'tick'; node: number; advanceMs: number } | { kind: 'send'; from: number; to: number; advanceMs: number };

const opArb = (nodes: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ kind: fc.constant('tick' as const), node: fc.nat(nodes - 1), advanceMs: fc.nat(50) }),
    fc.record({ kind: fc.constant('send' as const), from: fc.nat(nodes - 1), to: fc.nat(nodes - 1), advanceMs: fc.nat(50) }),
  );

/** Runs ops on `n` clocks whose wall clocks are real time + a fixed skew in [-skew, +skew]. */
function run(skews: readonly number[], ops: readonly Op[], check: (before: Hlc, after: Hlc, node: number, now: number, remote?: Hlc) => void): void {
  const clocks: Hlc[] = skews.map(() => zeroHlc);
  let realMs = 1_000_000;
  for (const op of ops) {
    realMs += op.advanceMs;
    if (op.kind === 'tick') {
      const now = realMs + skews[op.node];
      const next = tick(clocks[op.node], now);
      check(clocks[op.node], next, op.node, now);
      clocks[op.node] = next;
    } else {
      // The sender ticks (an update), the receiver merges it.
      const sent = tick(clocks[op.from], realMs + skews[op.from]);
      clocks[op.from] = sent;
      const now = realMs + skews[op.to];
      const next = receive(clocks[op.to], now, sent);
      check(clocks[op.to], next, op.to, now, sent);
      clocks[op.to] = next;
    }
  }
}

describe('hybrid logical clock', () => {
  const skewMax = 500;
  const scenario = fc.tuple(fc.array(fc.integer({ min: -skewMax, max: skewMax }), { minLength: 2, maxLength: 5 }), fc.nat()).chain(([skews]) =>
    fc.tuple(fc.constant(skews), fc.array(opArb(skews.length), { maxLength: 80 })),
  );

  it('is strictly monotonic at every node (tick and receive both move it forward)', () => {
    fc.assert(
      fc.property(scenario, ([skews, ops]) => {
        run(skews, ops, (before, after) => expect(compareHlc(after, before)).toBeGreaterThan(0));
      }),
      propertyParams('hlc monotonic', file),
    );
  });

  it('is causal: after receiving a timestamp, the clock (and any later tick) is above it', () => {
    fc.assert(
      fc.property(scenario, ([skews, ops]) => {
        run(skews, ops, (_before, after, _node, now, remote) => {
          if (remote === undefined) return;
          expect(compareHlc(after, remote)).toBeGreaterThan(0);
          expect(compareHlc(tick(after, now), remote)).toBeGreaterThan(0);
        });
      }),
      propertyParams('hlc causal', file),
    );
  });

  it('stays within the clock skew of the local wall clock when skew is bounded (never behind it)', () => {
    fc.assert(
      fc.property(scenario, ([skews, ops]) => {
        run(skews, ops, (_before, after, _node, now) => {
          expect(after.wallMs).toBeGreaterThanOrEqual(now);
          // Every wall reading came from some clock that is at most 2*skewMax ahead of this one.
          expect(after.wallMs - now).toBeLessThanOrEqual(2 * skewMax);
        });
      }),
      propertyParams('hlc bounded drift', file),
    );
  });

  it('orders timestamps totally: hlc first, then node id in natural order (n2 < n10)', () => {
    const a = stamp({ wallMs: 5, logical: 1 }, 'n10');
    const b = stamp({ wallMs: 5, logical: 1 }, 'n2');
    const c = stamp({ wallMs: 5, logical: 2 }, 'n1');
    expect(compareTimestamp(b, a)).toBeLessThan(0);
    expect(compareTimestamp(a, c)).toBeLessThan(0);
    expect(compareTimestamp(a, a)).toBe(0);
  });

  it('a causally later update wins even when the later writer\'s wall clock is behind', () => {
    // n1 runs 400 ms ahead, n2 behind: n2 deletes a message it learned about from n1's store.
    const store = stamp(tick(zeroHlc, 10_400), 'n1');
    const n2 = receive(zeroHlc, 10_000, store);
    const del = stamp(tick(n2, 10_001), 'n2');
    expect(compareTimestamp(del, store)).toBeGreaterThan(0);
  });
});
