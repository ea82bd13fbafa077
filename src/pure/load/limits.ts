import { assert } from '../assert.js';
// Limits of the load balancer (STYLE.md habit 4: units last).

/** Period of the ring pass: each node sends its load table to the next node in node order. */
export const loadRingIntervalMs = 1_000;

/** A load sample older than this (by the origin's clock vs ours) is ignored when choosing: it is stale. */
export const loadSampleMaxAgeMs = 10_000;

/** An unchanged load is re-stamped in the table at most this often (see learnLoad). */
export const loadSampleRefreshMs = 1_000;

/**
 * Soft spread (B2, docs/decisions.md): when every node in a user's spread has more pending disk-bound RPCs
 * than the lightest live member plus this margin (and the proxy has stores in flight at each), the balancer
 * also considers `overloadExtraCandidates` other members: the lightest, then random ones. The margin keeps
 * ordinary jitter (a write or two in flight) from widening spreads.
 */
export const overloadMarginPending = 2;
export const overloadExtraCandidates = 2;

/** The `spread` a configuration may ask for (PORCUPINE.md: soft upper bound on nodes holding a user's mail). */
export const spreadMin = 1;
export const spreadMax = 8;

assert(loadSampleRefreshMs < loadSampleMaxAgeMs, 'a refreshed sample must not look stale');
assert(loadRingIntervalMs < loadSampleMaxAgeMs, 'the ring pass must refresh samples before they go stale');
assert(spreadMin >= 1 && spreadMin <= spreadMax, 'spread bounds');
