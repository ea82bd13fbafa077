// A small in-test network driver for the replication manager alone: nodes with a disk (durable writes
// replayed at boot, writes in flight lost at a crash), a network that can drop, duplicate and reorder,
// timers on a shared virtual clock with per-node skew, crashes (soft state and unflushed writes lost,
// hard state kept) and disk losses (everything lost: the node comes back empty). Checks the safety
// invariant after every step and records what the properties need (durable reports, disk losses).
import { applyReplicationWrite, emptyReplicationHard, type ReplicationHard, type ReplicationWrite } from '../../src/pure/replication/hard-state.js';
import { compareTimestamp, describeTimestamp, type Timestamp } from '../../src/pure/replication/hlc.js';
import type { ReplicationMessage } from '../../src/pure/replication/messages.js';
import type { ObjectId, ObjectValue, Versioned } from '../../src/pure/replication/objects.js';
import { bootReplication, stepReplication, type ReplicationInput } from '../../src/pure/replication/replication.js';
import type { ReplicationConfig, ReplicationState, ReplicationStep } from '../../src/pure/replication/state.js';
import { recordsWritten } from '../../src/pure/replication/hard-state.js';
import { deepFreeze } from '../pure/deep-freeze.js';

export interface InFlight {
  readonly from: string;
  readonly to: string;
  readonly message: ReplicationMessage;
}

interface Node {
  state: ReplicationState | undefined; // undefined while down
  durable: ReplicationWrite[];
  disk: { id: number; write: ReplicationWrite }[];
  timers: Map<string, number>;
  /** Persist ids must not repeat across incarnations (a late completion could be mistaken). */
  incarnation: number;
}

export interface DurableReport {
  readonly ref: string;
  readonly objectId: ObjectId;
  readonly ts: Timestamp;
  readonly copies: number;
  readonly targets: readonly string[];
  /** Disk losses at the targets counted when the update started (so later losses can be told apart). */
  readonly lossesAtStart: number;
  readonly value: ObjectValue;
}

export class Net {
  readonly nodes = new Map<string, Node>();
  inflight: InFlight[] = [];
  realMs = 1_000_000;
  readonly durableReports: DurableReport[] = [];
  readonly diskLosses = new Map<string, number>();
  /** objectId → newest version garbage-collected anywhere (a collected tombstone still counts as durable). */
  readonly collected = new Map<ObjectId, Timestamp>();
  /** Safety violations seen after a step (a replica's version moved backwards). */
  readonly violations: string[] = [];
  recordsWritten = 0;
  /** Check every ack against the disk (replays the node's durable writes: quadratic, off in benchmarks). */
  checkAcks = true;
  messagesSent = 0;
  private readonly started = new Map<string, { targets: readonly string[]; ackReplicas: number; lossesAtStart: number; value: ObjectValue }>();

  constructor(
    readonly ids: readonly string[],
    readonly config: ReplicationConfig,
    readonly skewMs: ReadonlyMap<string, number> = new Map(),
    /** Deep-freeze every state handed to the reducer (DESIGN.md §3); off in the big properties for speed. */
    readonly freeze = false,
  ) {
    for (const id of ids) {
      this.nodes.set(id, { state: undefined, durable: [], disk: [], timers: new Map(), incarnation: 0 });
      this.diskLosses.set(id, 0);
      this.boot(id);
    }
  }

  nowOf(id: string): number {
    return this.realMs + (this.skewMs.get(id) ?? 0);
  }

  node(id: string): Node {
    const n = this.nodes.get(id);
    if (n === undefined) throw new Error(`no node ${id}`);
    return n;
  }

  isUp(id: string): boolean {
    return this.node(id).state !== undefined;
  }

  hardOf(id: string): ReplicationHard {
    return this.node(id).durable.reduce(applyReplicationWrite, emptyReplicationHard());
  }

  /** The replica a node holds now (in memory: includes writes still on their way to disk). */
  objectAt(id: string, objectId: ObjectId): Versioned | undefined {
    return this.node(id).state?.hard.objects.get(objectId);
  }

  boot(id: string): void {
    const n = this.node(id);
    n.incarnation++;
    n.timers.clear();
    n.disk = [];
    const r = bootReplication(id, this.hardOf(id), { now: this.nowOf(id), entropy: 0 }, this.config, -n.incarnation * 2 ** 32 - 1);
    n.state = undefined;
    this.absorb(id, r, undefined);
  }

  crash(id: string): void {
    const n = this.node(id);
    n.state = undefined;
    n.disk = [];
    n.timers.clear();
  }

  loseDisk(id: string): void {
    this.crash(id);
    this.node(id).durable = [];
    this.diskLosses.set(id, (this.diskLosses.get(id) ?? 0) + 1);
  }

  lossesAt(targets: readonly string[]): number {
    return targets.reduce((sum, t) => sum + (this.diskLosses.get(t) ?? 0), 0);
  }

  update(coordinator: string, ref: string, value: ObjectValue, targets: readonly string[], ackReplicas: number): void {
    if (!this.isUp(coordinator)) return;
    this.started.set(ref, { targets, ackReplicas, lossesAtStart: this.lossesAt(targets), value });
    this.step(coordinator, { kind: 'update', request: { ref, value, targets, ackReplicas } });
  }

  step(id: string, input: ReplicationInput): void {
    const n = this.node(id);
    if (n.state === undefined) return;
    this.absorb(id, stepReplication(n.state, input, { now: this.nowOf(id), entropy: 0 }), n.state);
  }

  private absorb(id: string, r: ReplicationStep, before: ReplicationState | undefined): void {
    const n = this.node(id);
    if (before !== undefined) this.checkForward(id, before, r.state);
    n.state = this.freeze ? deepFreeze(r.state) : r.state;
    for (const e of r.effects) {
      switch (e.kind) {
        case 'send':
          this.messagesSent++;
          if (e.message.kind === 'replAck' && this.checkAcks) this.checkAckDurable(id, e.message.objectId, e.message.ts);
          this.inflight.push({ from: id, to: e.to, message: e.message });
          break;
        case 'persist':
          this.recordsWritten += recordsWritten(e.write);
          n.disk.push({ id: e.id, write: e.write });
          break;
        case 'setTimer':
          n.timers.set(e.timer, this.realMs + e.afterMs);
          break;
        case 'cancelTimer':
          n.timers.delete(e.timer);
          break;
        default:
          break; // traces and the node-level effects this module never emits
      }
    }
    for (const ev of r.events) {
      if (ev.kind === 'dropped') {
        const was = this.collected.get(ev.objectId);
        if (was === undefined || compareTimestamp(was, ev.previous.ts) < 0) this.collected.set(ev.objectId, ev.previous.ts);
      }
      if (ev.kind !== 'durable') continue;
      // The coordinator reports an update done only with its own copy on disk (it pushes in parallel with
      // its write, so participants' acks alone could otherwise complete it).
      if (this.checkAcks) this.checkAckDurable(id, ev.objectId, ev.ts);
      const st = this.started.get(ev.ref);
      if (st === undefined) continue;
      this.durableReports.push({ ref: ev.ref, objectId: ev.objectId, ts: ev.ts, copies: Math.min(st.ackReplicas, st.targets.length), targets: st.targets, lossesAtStart: st.lossesAtStart, value: st.value });
    }
  }

  /** Safety, every ack: an acknowledgement promises that the acknowledged version (or newer) is on disk. */
  private checkAckDurable(id: string, objectId: ObjectId, ts: Timestamp): void {
    const onDisk = this.hardOf(id).objects.get(objectId);
    if (onDisk === undefined || compareTimestamp(onDisk.ts, ts) < 0) this.violations.push(`${id}: acknowledged ${objectId}@${describeTimestamp(ts)} before it was durable`);
  }

  /** Safety, every step: a replica never moves back to an older version (LWW; deletes stick locally). */
  private checkForward(id: string, before: ReplicationState, after: ReplicationState): void {
    if (before.hard.objects === after.hard.objects) return;
    after.hard.objects.forEach((v, oid) => {
      const old = before.hard.objects.get(oid);
      if (old !== undefined && compareTimestamp(v.ts, old.ts) < 0) {
        this.violations.push(`${id}: ${oid} moved back from ${describeTimestamp(old.ts)} to ${describeTimestamp(v.ts)}`);
      }
    });
  }

  /** Deliver (or drop, or duplicate) the i-th message in flight (i modulo their number: reordering). */
  deliver(i: number, how: 'deliver' | 'drop' | 'duplicate' = 'deliver'): void {
    if (this.inflight.length === 0) return;
    const k = i % this.inflight.length;
    const m = this.inflight[k];
    if (how === 'duplicate') {
      this.inflight.push(m);
      return;
    }
    this.inflight.splice(k, 1);
    if (how === 'drop' || !this.isUp(m.to)) return;
    this.step(m.to, { kind: 'message', from: m.from, message: m.message });
  }

  /** The oldest write in flight at a node reaches its disk. */
  completeDisk(id: string): void {
    const n = this.node(id);
    const w = n.disk.shift();
    if (w === undefined || n.state === undefined) return;
    n.durable.push(w.write);
    this.step(id, { kind: 'persisted', id: w.id });
  }

  /** Moves virtual time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.realMs + ms;
    for (;;) {
      const next = this.nextTimer(end);
      if (next === undefined) break;
      this.realMs = Math.max(this.realMs, next.at);
      this.node(next.id).timers.delete(next.key);
      this.step(next.id, { kind: 'timer', timer: next.key });
    }
    this.realMs = end;
  }

  private nextTimer(limit: number): { id: string; key: string; at: number } | undefined {
    let best: { id: string; key: string; at: number } | undefined;
    for (const [id, n] of this.nodes) {
      if (n.state === undefined) continue;
      for (const [key, at] of n.timers) if (at <= limit && (best === undefined || at < best.at)) best = { id, key, at };
    }
    return best;
  }

  /** Work still to do anywhere: messages, disk writes, log entries or pushes. */
  busy(): boolean {
    if (this.inflight.length > 0) return true;
    for (const n of this.nodes.values()) {
      if (n.disk.length > 0) return true;
      if (n.state !== undefined && (n.state.hard.log.size > 0 || n.state.pushes.size > 0 || n.state.hard.quarantine.size > 0)) return true;
    }
    return false;
  }

  /**
   * Faults stop: every node is up, every message is delivered, every write reaches its disk, and time moves
   * on until nothing is left to do. Returns the virtual ms it took (or -1 if `boundMs` passed first).
   */
  heal(boundMs: number, stepMs = 100): number {
    for (const id of this.ids) if (!this.isUp(id)) this.boot(id);
    const start = this.realMs;
    while (this.busy()) {
      if (this.realMs - start > boundMs) return -1;
      while (this.inflight.length > 0 || [...this.nodes.values()].some((n) => n.disk.length > 0)) {
        for (const id of this.ids) while (this.node(id).disk.length > 0) this.completeDisk(id);
        while (this.inflight.length > 0) this.deliver(0);
      }
      if (this.busy()) this.advance(stepMs);
    }
    return this.realMs - start;
  }
}
