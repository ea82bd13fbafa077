// Limits of the replication manager (STYLE.md habit 4: one file, units last, relationships asserted at load).
// PORCUPINE.md "Replication": updates retire after max clock skew + max packet lifetime; the log keeps an
// update at most a week; a node down longer rejoins as "new".
import { assert } from '../assert.js';

export interface ReplicationLimits {
  /** Largest difference between two live nodes' wall clocks we design for (NTP on a LAN: well under 1 s). */
  readonly maxClockSkewMs: number;
  /** Longest a packet can survive in the network (TCP: MSL-like bound; our RPCs time out long before). */
  readonly maxPacketLifetimeMs: number;
  /** First re-push to a silent replica; doubles per attempt up to `pushRetryMaxMs` (capped exponential backoff). */
  readonly pushRetryMs: number;
  readonly pushRetryMaxMs: number;
  /** A participant that logged an update takes over pushing when it has not seen it retire after this long. */
  readonly takeoverAfterMs: number;
  /** Log entries (and the knowledge they carry) are dropped after this; the paper's "a week". */
  readonly logRetentionMs: number;
  /** Period of the garbage-collection scan (retired tombstones, expired log entries). */
  readonly gcIntervalMs: number;
  /** Period of the durable "I was alive at" mark that lets a node tell, at boot, how long it was down. */
  readonly aliveMarkIntervalMs: number;
  /** Re-ask the other replicas about a quarantined object (stale rejoin) this often until answered. */
  readonly reconcileRetryMs: number;
  /** Objects pushed (or reconciled) per timer tick, so a long outage does not become one enormous burst. */
  readonly pushesPerTickMax: number;
}

const day = 24 * 60 * 60 * 1000;

export const defaultReplicationLimits: ReplicationLimits = {
  maxClockSkewMs: 1_000,
  maxPacketLifetimeMs: 30_000,
  pushRetryMs: 200,
  pushRetryMaxMs: 10_000,
  takeoverAfterMs: 20_000,
  logRetentionMs: 7 * day,
  gcIntervalMs: 60_000,
  aliveMarkIntervalMs: 60 * 60 * 1000,
  reconcileRetryMs: 2_000,
  pushesPerTickMax: 512,
};

/** A tombstone outlives the retirement of its delete by this long (paper: max clock skew + max packet lifetime). */
export function tombstoneRetentionMs(l: ReplicationLimits): number {
  return l.maxClockSkewMs + l.maxPacketLifetimeMs;
}

/**
 * Once faults stop (every node up, no loss), every replica holds the newest version and every log entry has
 * retired within this bound: a pusher's next retry is at most `pushRetryMaxMs` away, and an update whose
 * pusher died is taken over within `takeoverAfterMs` (a restarted coordinator resumes at once).
 */
export function convergenceBoundMs(l: ReplicationLimits): number {
  return l.takeoverAfterMs + l.pushRetryMaxMs;
}

/** Replication factor R: default 2, 1–3 allowed (DESIGN.md §4). */
export const replicasDefault = 2;
export const replicasMin = 1;
export const replicasMax = 3;

/** Copies that must be durable before the coordinator reports success: default min(2, R); 1 is the paper's mode. */
export function ackReplicasDefault(replicas: number): number {
  return Math.min(2, replicas);
}

/** The relationships the protocol's arguments rely on; asserted for the defaults at load and for any override. */
export function checkReplicationLimits(l: ReplicationLimits): ReplicationLimits {
  for (const [name, v] of Object.entries(l)) assert(Number.isFinite(v) && v > 0, `replication limit ${name} must be > 0`);
  assert(l.pushRetryMs <= l.pushRetryMaxMs, 'pushRetryMs <= pushRetryMaxMs');
  // The coordinator must get at least two full retry rounds before a participant competes with it.
  assert(l.takeoverAfterMs >= 2 * l.pushRetryMaxMs, 'takeoverAfterMs >= 2 * pushRetryMaxMs');
  // Tombstones must not outlive the log: GC of a tombstone relies on every older push having stopped.
  assert(tombstoneRetentionMs(l) < l.logRetentionMs, 'maxClockSkewMs + maxPacketLifetimeMs < logRetentionMs');
  // A node that is up marks itself alive several times per retention period, so it is never judged stale.
  assert(2 * l.aliveMarkIntervalMs + l.maxClockSkewMs < l.logRetentionMs, '2 * aliveMarkIntervalMs + skew < logRetentionMs');
  assert(l.gcIntervalMs <= l.logRetentionMs, 'gcIntervalMs <= logRetentionMs');
  assert(Number.isInteger(l.pushesPerTickMax), 'pushesPerTickMax is an integer');
  return l;
}

checkReplicationLimits(defaultReplicationLimits);
