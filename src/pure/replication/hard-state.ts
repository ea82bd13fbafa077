// The replication manager's hard state: the replicas this node holds (LWW versions, tombstones included) and
// the update log `<timestamp, objectID, target-nodes, remaining-nodes>` (PORCUPINE.md "Replication"). The
// node embeds it in its HardState and its writes in HardWrite; the drivers replay durable writes in order.
import { assertNever } from '../assert.js';
import { PMap } from '../pmap.js';
import type { NodeId } from '../types.js';
import { describeTimestamp, type Timestamp } from './hlc.js';
import type { ObjectId, Versioned } from './objects.js';

export interface LogEntry {
  readonly ts: Timestamp;
  readonly objectId: ObjectId;
  readonly targets: readonly NodeId[];
  /**
   * Targets still to acknowledge, as known when the entry was logged. Acks are not persisted one by one
   * (that would add a disk write per replica): after a crash the pusher re-pushes to all of them, and a
   * replica that already has the update just acknowledges again.
   */
  readonly remaining: readonly NodeId[];
}

export interface ReplicationHard {
  /** objectId → the newest version this node holds. */
  readonly objects: PMap<Versioned>;
  /** entryKey → update not yet retired. */
  readonly log: PMap<LogEntry>;
  /** Objects kept from before a long outage and not yet reconciled with their other replicas (see docs/replication.md). */
  readonly quarantine: PMap<true>;
  /** The last durable "alive at" mark (this node's clock, ms); 0 = never marked after time 0 (see maintenance.ts onBoot). */
  readonly aliveAtMs: number;
}

export type ReplicationWrite =
  /** Store a version (the caller has decided it is newer) and, when this node logs the update, its entry. */
  | { readonly kind: 'replPut'; readonly object: Versioned; readonly entry?: LogEntry }
  /** An update retired (every target acknowledged) or expired: drop its log entry. */
  | { readonly kind: 'replLogDrop'; readonly key: string }
  /** Garbage-collect a version (a retired tombstone; a stale replica reconciled away) if it is still `ts`. */
  | { readonly kind: 'replObjectDrop'; readonly objectId: ObjectId; readonly ts: Timestamp }
  | { readonly kind: 'replAlive'; readonly atMs: number }
  /** A node back from an outage longer than the log retention distrusts what it holds (rejoins as "new"). */
  /** `keepLog`: a node cut off by a partition (B15) keeps its log, whose entries are recent; one back from a long outage drops it. */
  | { readonly kind: 'replQuarantine'; readonly objectIds: readonly ObjectId[]; readonly keepLog?: boolean }
  /** A quarantined object was confirmed by another replica. */
  | { readonly kind: 'replTrust'; readonly objectId: ObjectId };

export function emptyReplicationHard(): ReplicationHard {
  return { objects: PMap.empty(), log: PMap.empty(), quarantine: PMap.empty(), aliveAtMs: 0 };
}

export function entryKey(objectId: ObjectId, ts: Timestamp): string {
  return `${describeTimestamp(ts)}|${objectId}`;
}

/** Deterministic and idempotent, so a replayed or duplicated write is harmless. */
export function applyReplicationWrite(h: ReplicationHard, w: ReplicationWrite): ReplicationHard {
  switch (w.kind) {
    case 'replPut': {
      const objects = h.objects.set(w.object.id, w.object);
      const log = w.entry === undefined ? h.log : h.log.set(entryKey(w.entry.objectId, w.entry.ts), w.entry);
      return { ...h, objects, log, quarantine: h.quarantine.delete(w.object.id) };
    }
    case 'replLogDrop':
      return h.log.has(w.key) ? { ...h, log: h.log.delete(w.key) } : h;
    case 'replObjectDrop': {
      const cur = h.objects.get(w.objectId);
      if (cur === undefined || describeTimestamp(cur.ts) !== describeTimestamp(w.ts)) return h;
      return { ...h, objects: h.objects.delete(w.objectId), quarantine: h.quarantine.delete(w.objectId) };
    }
    case 'replAlive':
      return w.atMs > h.aliveAtMs ? { ...h, aliveAtMs: w.atMs } : h;
    case 'replQuarantine': {
      let quarantine = h.quarantine;
      for (const id of w.objectIds) if (h.objects.has(id)) quarantine = quarantine.set(id, true);
      return { ...h, quarantine, log: w.keepLog === true ? h.log : PMap.empty() };
    }
    case 'replTrust':
      return { ...h, quarantine: h.quarantine.delete(w.objectId) };
  }
  return assertNever(w, 'replication write');
}

/** Durable records a write adds, as the paper counts them (object copies and log entries; drops are free). */
export function recordsWritten(w: ReplicationWrite): number {
  return w.kind === 'replPut' ? 1 + (w.entry === undefined ? 0 : 1) : 0;
}
