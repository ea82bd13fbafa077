// Hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", OPODIS 2014) and the update timestamps
// built on it. WHY an HLC rather than the raw wall clock the paper uses ("newest wall-clock timestamp wins"):
// with skewed clocks a causally later update (a delete issued after reading the message) could carry a
// smaller wall-clock time than the store it supersedes, and lose. An HLC never runs behind any timestamp the
// node has seen, so causally later updates always win, while staying within the clock skew of real time
// (so "newest wins" still means roughly newest by wall clock for concurrent updates).
import { compareNodeId, type NodeId } from '../types.js';

export interface Hlc {
  /** The largest wall-clock reading (ms) this clock has seen, its own or in a received timestamp. */
  readonly wallMs: number;
  /** Orders events that share `wallMs`. */
  readonly logical: number;
}

/** An update's timestamp `(hlc, nodeId)`: totally ordered, unique per node (the node breaks HLC ties). */
export interface Timestamp {
  readonly wallMs: number;
  readonly logical: number;
  readonly node: NodeId;
}

export const zeroHlc: Hlc = { wallMs: 0, logical: 0 };

export function compareHlc(a: Hlc, b: Hlc): number {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.logical !== b.logical) return a.logical < b.logical ? -1 : 1;
  return 0;
}

/** Total order: hlc, then node id (the paper's "IP order"). */
export function compareTimestamp(a: Timestamp, b: Timestamp): number {
  return compareHlc(a, b) || compareNodeId(a.node, b.node);
}

export function timestampEquals(a: Timestamp, b: Timestamp): boolean {
  return a.wallMs === b.wallMs && a.logical === b.logical && a.node === b.node;
}

export function maxHlc(a: Hlc, b: Hlc): Hlc {
  return compareHlc(a, b) >= 0 ? a : b;
}

/** A local event (issuing an update) at wall time `nowMs`: strictly greater than every earlier reading. */
export function tick(clock: Hlc, nowMs: number): Hlc {
  if (nowMs > clock.wallMs) return { wallMs: nowMs, logical: 0 };
  return { wallMs: clock.wallMs, logical: clock.logical + 1 };
}

/** A timestamp from another node arrives at wall time `nowMs`: the result is >= both it and our clock. */
export function receive(clock: Hlc, nowMs: number, remote: Hlc): Hlc {
  const wallMs = Math.max(clock.wallMs, remote.wallMs, nowMs);
  if (wallMs === clock.wallMs && wallMs === remote.wallMs) return { wallMs, logical: Math.max(clock.logical, remote.logical) + 1 };
  if (wallMs === clock.wallMs) return { wallMs, logical: clock.logical + 1 };
  if (wallMs === remote.wallMs) return { wallMs, logical: remote.logical + 1 };
  return { wallMs, logical: 0 };
}

export function stamp(clock: Hlc, node: NodeId): Timestamp {
  return { wallMs: clock.wallMs, logical: clock.logical, node };
}

/** Canonical one-line rendering, e.g. `1000.2@n3` (traces, golden tests, log keys). */
export function describeTimestamp(ts: Timestamp): string {
  return `${ts.wallMs}.${ts.logical}@${ts.node}`;
}
