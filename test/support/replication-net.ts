// The replication manager alone (src/pure/replication) on the shared World driver, scheduled by hand: the
// test (or fast-check) decides which message in flight is delivered, dropped or duplicated next and when each
// node's oldest write reaches its disk; timers fire on virtual time as it is advanced, with per-node clock
// skew. The World keeps states, incarnations, crashes (soft state and writes in flight lost) and disks (a
// disk loss wipes it). Checks the safety invariants after every step and records what the replication
// properties judge (durable reports, collected tombstones, disk losses).
import { emptyHardState, type HardState } from '../../src/pure/hard-state.js';
import type { Effect, Input } from '../../src/pure/io.js';
import type { Message } from '../../src/pure/messages.js';
import { recordsWritten, type ReplicationHard } from '../../src/pure/replication/hard-state.js';
import { compareTimestamp, describeTimestamp, type Timestamp } from '../../src/pure/replication/hlc.js';
import type { ReplicationMessage } from '../../src/pure/replication/messages.js';
import type { ObjectId, ObjectValue, Versioned } from '../../src/pure/replication/objects.js';
import { bootReplication, stepReplication, type ReplicationInput } from '../../src/pure/replication/replication.js';
import type { ReplicationConfig, ReplicationState, ReplicationStep } from '../../src/pure/replication/state.js';
import type { Env, NodeId } from '../../src/pure/types.js';
import type { NodeReducer } from '../../src/sim/world.js';
import { deepFreeze } from '../pure/deep-freeze.js';
import { WorldDriver, ZeroEntropy } from './world-driver.js';

export interface InFlight {
  readonly from: string;
  readonly to: string;
  readonly message: ReplicationMessage;
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

/** The replication manager's start of an update, handed to a node as an input (the World does not look inside). */
type UpdateInput = Extract<ReplicationInput, { kind: 'update' }>;

export class ReplicationNet extends WorldDriver<ReplicationState | null> {
  readonly durableReports: DurableReport[] = [];
  readonly diskLosses = new Map<string, number>();
  /** objectId → newest version garbage-collected anywhere (a collected tombstone still counts as durable). */
  readonly collected = new Map<ObjectId, Timestamp>();
  /** Safety violations seen after a step (a replica's version moved backwards, an ack before durability). */
  readonly violations: string[] = [];
  recordsWritten = 0;
  /** Check every ack against the node's disk. */
  checkAcks = true;
  private readonly started = new Map<string, { targets: readonly string[]; ackReplicas: number; lossesAtStart: number; value: ObjectValue }>();

  constructor(
    ids: readonly string[],
    readonly config: ReplicationConfig,
    skewMs: ReadonlyMap<string, number> = new Map(),
    /** Deep-freeze every state handed to the reducer (DESIGN.md §3); off in the big properties for speed. */
    readonly freeze = false,
  ) {
    const holder: { self?: ReplicationNet } = {};
    super({
      ids,
      seed: 0,
      reducer: replicationReducer(() => holder.self!),
      // Node config is unused by the replication manager alone; the World needs one to boot a node.
      nodeConfig: { nodes: ids, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 1 },
      network: { delayMs: 0, jitterMs: 0, linkDelayMs: {} },
      diskLatencyMs: 0,
      byHand: { writes: 'held', timers: 'timed', crashLosesMessagesTo: false },
      entropy: new ZeroEntropy(),
      startMs: 1_000_000,
    });
    holder.self = this;
    ids.forEach((id, i) => {
      this.world.setSkew(i, skewMs.get(id) ?? 0);
      this.diskLosses.set(id, 0);
      this.boot(id);
    });
  }

  /** Messages in flight, oldest first. */
  get inflight(): InFlight[] {
    return this.held.flatMap((h) => (h.kind === 'message' ? [{ from: h.from, to: h.to, message: h.message as unknown as ReplicationMessage }] : []));
  }

  isUp(id: string): boolean {
    return this.world.nodes[this.index(id)].up;
  }

  /** The node's replication state, undefined while it is down. */
  replicaState(id: string): ReplicationState | undefined {
    return this.isUp(id) ? (this.state(id) ?? undefined) : undefined;
  }

  /** Writes issued by the node and not yet on its disk. */
  writesInFlight(id: string): number {
    return this.held.filter((h) => h.kind === 'write' && h.node === id).length;
  }

  /** The replication manager's durable state on the node's disk. */
  hardOf(id: string): ReplicationHard {
    return this.world.nodes[this.index(id)].disk.durable.replication;
  }

  /** The replica a node holds now (in memory: includes writes still on their way to disk). */
  objectAt(id: string, objectId: ObjectId): Versioned | undefined {
    return this.replicaState(id)?.hard.objects.get(objectId);
  }

  /** Boot a node that is down: soft state fresh, hard state from its disk. */
  override boot(id: string): void {
    this.world.boot(this.index(id));
  }

  loseDisk(id: string): void {
    this.crash(id);
    this.world.nodes[this.index(id)].disk.wipe(emptyHardState());
    this.diskLosses.set(id, (this.diskLosses.get(id) ?? 0) + 1);
  }

  lossesAt(targets: readonly string[]): number {
    return targets.reduce((sum, t) => sum + (this.diskLosses.get(t) ?? 0), 0);
  }

  update(coordinator: string, ref: string, value: ObjectValue, targets: readonly string[], ackReplicas: number): void {
    if (!this.isUp(coordinator)) return;
    this.started.set(ref, { targets, ackReplicas, lossesAtStart: this.lossesAt(targets), value });
    const input: UpdateInput = { kind: 'update', request: { ref, value, targets, ackReplicas } };
    // The World carries any input to the reducer untouched; this reducer reads replication inputs.
    this.stepNow(coordinator, input as unknown as Input);
  }

  /** Deliver (or drop, or duplicate) the i-th message in flight (i modulo their number: reordering). */
  deliver(i: number, how: 'deliver' | 'drop' | 'duplicate' = 'deliver'): void {
    const at: number[] = [];
    this.held.forEach((h, k) => h.kind === 'message' && at.push(k));
    if (at.length === 0) return;
    const k = at[i % at.length];
    const m = this.held[k];
    if (how === 'duplicate') {
      this.held.push(m);
      return;
    }
    this.held.splice(k, 1);
    if (how === 'drop') return;
    this.release(m);
  }

  /** The oldest write in flight at a node reaches its disk. */
  completeDisk(id: string): void {
    const k = this.held.findIndex((h) => h.kind === 'write' && h.node === id);
    if (k < 0) return;
    const [w] = this.held.splice(k, 1);
    this.release(w);
  }

  /** Moves virtual time forward by `ms`, firing due timers in time order. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Work still to do anywhere: messages, disk writes, log entries or pushes. */
  busy(): boolean {
    if (this.held.length > 0) return true;
    return this.ids.some((id) => {
      const s = this.replicaState(id);
      return s !== undefined && (s.hard.log.size > 0 || s.pushes.size > 0 || s.hard.quarantine.size > 0);
    });
  }

  /**
   * Faults stop: every node is up, every message is delivered, every write reaches its disk, and time moves
   * on until nothing is left to do. Returns the virtual ms it took (or -1 if `boundMs` passed first).
   */
  healAndSettle(boundMs: number, stepMs = 100): number {
    for (const id of this.ids) if (!this.isUp(id)) this.boot(id);
    const start = this.time;
    while (this.busy()) {
      if (this.time - start > boundMs) return -1;
      while (this.held.length > 0) {
        for (const id of this.ids) while (this.writesInFlight(id) > 0) this.completeDisk(id);
        while (this.held.some((h) => h.kind === 'message')) this.deliver(0);
      }
      if (this.busy()) this.advance(stepMs);
    }
    return this.time - start;
  }

  protected override takeEffect(node: number, e: Effect): boolean {
    if (e.kind === 'persist' && e.write.kind === 'replication') this.recordsWritten += recordsWritten(e.write.write);
    if (e.kind === 'send' && this.checkAcks) {
      const m = e.message as unknown as ReplicationMessage;
      if (m.kind === 'replAck') this.checkAckDurable(this.ids[node], m.objectId, m.ts);
    }
    return super.takeEffect(node, e);
  }

  /** Records the step's events and checks that no replica moved backwards. */
  observe(id: NodeId, before: ReplicationState | null, r: ReplicationStep): void {
    if (before !== null) this.checkForward(id, before, r.state);
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
}

/**
 * The replication manager as a World node: boot reads the replication part of the node's disk (persist ids
 * start below every earlier incarnation's, so a late completion cannot be mistaken), its writes are node
 * writes of kind 'replication', its messages node messages; the events it reports go to the net.
 */
function replicationReducer(net: () => ReplicationNet): NodeReducer<ReplicationState | null> {
  const boots = new Map<NodeId, number>();
  const toNode = (r: ReplicationStep): Effect[] =>
    r.effects.map((e): Effect => {
      if (e.kind === 'persist') return { kind: 'persist', id: e.id, write: { kind: 'replication', write: e.write } };
      // A replication message is one kind of node message; the World carries it untouched.
      if (e.kind === 'send') return { kind: 'send', to: e.to, message: e.message as unknown as Message };
      return e;
    });
  return {
    initialState: () => null,
    digest: (s) => JSON.stringify(s),
    step: (state, input0, env: Env) => {
      const n = net();
      // Inputs the replication manager reads travel as node inputs; the boot input is the World's.
      const input = input0 as unknown as ReplicationInput | Extract<Input, { kind: 'boot' }>;
      if (input.kind === 'boot') {
        const inc = (boots.get(input.self) ?? 0) + 1;
        boots.set(input.self, inc);
        const hard: HardState = input.hard;
        const r = bootReplication(input.self, hard.replication, env, n.config, -inc * 2 ** 32 - 1);
        n.observe(input.self, null, r);
        return { state: n.freeze ? deepFreeze(r.state) : r.state, effects: toNode(r) };
      }
      if (state === null) return { state, effects: [] };
      const r = stepReplication(state, input, env);
      n.observe(state.self, state, r);
      return { state: n.freeze ? deepFreeze(r.state) : r.state, effects: toNode(r) };
    },
  };
}
