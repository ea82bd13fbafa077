// The one test driver over the simulator's World (src/sim/world.ts) for in-test clusters (issue 13): the
// membership tests' cluster of membership reducers (MembershipCluster below) and the full-node cluster
// (test/membership/sim-harness.ts) both run on it, so they get the simulator's event queue, network
// (delays, loss, duplication, partitions), timers, incarnations and disks instead of a private copy of each.
// It adds what tests need on top: virtual time that only moves forward when a test says so, node names
// instead of indices, synchronous client requests, and the trace events with their times.
//
// Tests that must *choose* the schedule - which message arrives next, is lost or duplicated, when each write
// reaches its disk, when a timer fires - run the World by hand (`byHand`): the world offers every effect to the
// driver (WorldHooks.takeEffect), the driver holds messages, writes and password checks in `held`, and the test
// releases them in any order; the node is stepped with the outcome at once (World.stepNow). The World still
// owns the nodes' states, incarnations, crashes and disks. The replication properties (ReplicationNet,
// replication-net.ts: fast-check picks the schedule and shrinks it) and the golden node scenarios
// (NodeCluster, node-cluster.ts: FIFO delivery, timers on command) run this way.
import { emptyHardState, type HardState, type HardWrite } from '../../src/pure/hard-state.js';
import { mix32 } from '../../src/pure/hash.js';
import type { ClientReply, ClientRequest, Effect, Input, NodeConfig, PersistId } from '../../src/pure/io.js';
import type { Message } from '../../src/pure/messages.js';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { defaultMembershipLimits, type MembershipLimits } from '../../src/pure/membership/limits.js';
import { bootMembership, stepMembership } from '../../src/pure/membership/membership.js';
import { viewIdOf, type MembershipEffect, type MembershipInput, type View } from '../../src/pure/membership/messages.js';
import type { MembershipState } from '../../src/pure/membership/state.js';
import { reassign, type BucketOwner } from '../../src/pure/user-map/reassign.js';
import type { Env, NodeId, SessionId } from '../../src/pure/types.js';
import { NO_FAULTS, type FaultConfig, type NetworkConfig } from '../../src/sim/config.js';
import { Prng, streamFor } from '../../src/sim/prng.js';
import { World, type NodeReducer } from '../../src/sim/world.js';

export interface TraceRecord {
  readonly at: number;
  readonly node: NodeId;
  readonly action: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** What a hand-scheduled driver holds until the test releases it (DriverOptions.byHand). */
export type Held =
  | { readonly kind: 'message'; readonly from: NodeId; readonly to: NodeId; readonly message: Message }
  /** A write issued by incarnation `inc` of `node`, not yet durable (writes 'held'). */
  | { readonly kind: 'write'; readonly node: NodeId; readonly inc: number; readonly id: PersistId; readonly write: HardWrite }
  /** An input due back to `node` (a write's `persisted` or `persistFailed`, a password check's answer); lost if the node crashed since. */
  | { readonly kind: 'input'; readonly node: NodeId; readonly inc: number; readonly input: Input };

export interface ByHand {
  /** 'held': a write is durable only when the test completes it; 'atOnce': durable when issued, its `persisted` held. */
  readonly writes: 'held' | 'atOnce';
  /** 'onCommand': timers fire only through `fireTimers`; 'timed': on the World's virtual time (`advanceTo`). */
  readonly timers: 'onCommand' | 'timed';
  /** A crash also loses the messages on their way to the node (else they reach its next incarnation). */
  readonly crashLosesMessagesTo: boolean;
}

/** Entropy mix32(0), mix32(1), … one per step: the golden node scenarios were written against it. */
export class StepCountEntropy extends Prng {
  private n = 0;
  constructor() {
    super(0);
  }

  override nextU32(): number {
    // Called by Prng's constructor before `n` is initialised; those warm-up draws are discarded.
    return mix32(this.n++);
  }
}

/** Entropy 0 at every step (the replication manager draws none; fixed so its schedules replay exactly). */
export class ZeroEntropy extends Prng {
  constructor() {
    super(0);
  }

  override nextU32(): number {
    return 0;
  }
}

export interface DriverOptions<S> {
  readonly ids: readonly NodeId[];
  readonly reducer: NodeReducer<S>;
  readonly nodeConfig: NodeConfig;
  readonly seed: number;
  readonly network: NetworkConfig;
  readonly faults?: Partial<FaultConfig>;
  readonly initialHard?: HardState;
  readonly diskLatencyMs?: number;
  readonly checkPassword?: (password: string, verifier: string) => boolean;
  /** Schedule messages, writes, password checks (and timers) by hand instead of on virtual time. */
  readonly byHand?: ByHand;
  /** The entropy handed to steps (default: the seed's 'entropy' stream). */
  readonly entropy?: Prng;
  /** Virtual time the run starts at (default 0). */
  readonly startMs?: number;
}

export class WorldDriver<S> {
  readonly world: World<S>;
  readonly ids: readonly NodeId[];
  /** Every trace effect, with the virtual time it happened at. */
  readonly traces: TraceRecord[] = [];
  /** Virtual time as the test counts it: World.now is the time of the last event, which lags it. */
  time = 0;
  /** Every client reply, in order. */
  readonly replyLog: { readonly node: NodeId; readonly session: SessionId; readonly reply: ClientReply }[] = [];
  /** Hand scheduling: messages, writes and inputs waiting for the test, in the order they were issued. */
  held: Held[] = [];
  /** Hand scheduling, timers 'onCommand': the timers set, as `${node} ${timer}`. */
  readonly handTimers = new Set<string>();
  /** Hand scheduling: send every node-to-node message twice (duplication must be harmless). */
  duplicateSends = false;
  /** Node-to-node messages sent (each `send` effect once, before duplication or loss). */
  messagesSent = 0;
  private readonly lastReplies = new Map<string, ClientReply>();
  private session = 0;
  private readonly byHand: ByHand | undefined;
  private readonly checkPassword: (password: string, verifier: string) => boolean;

  constructor(o: DriverOptions<S>) {
    this.ids = o.ids;
    this.byHand = o.byHand;
    this.checkPassword = o.checkPassword ?? ((p, v) => v === `v:${p}`);
    this.world = new World<S>(
      o.reducer,
      {
        ids: o.ids,
        nodeConfig: o.nodeConfig,
        network: o.network,
        faults: { ...NO_FAULTS, ...o.faults },
        diskLatencyMs: o.diskLatencyMs ?? 5,
        passwordCheckMs: 1,
        initialHard: o.initialHard ?? emptyHardState(),
        checkPassword: this.checkPassword,
      },
      o.entropy ?? streamFor(o.seed, 'entropy'),
      streamFor(o.seed, 'network'),
      {
        onReply: (node, session, reply) => {
          this.lastReplies.set(`${this.ids[node]}/${session}`, reply);
          this.replyLog.push({ node: this.ids[node], session, reply });
        },
        onTrace: (node, action, args) => this.traces.push({ at: this.world.now, node: this.ids[node], action, args }),
        ...(o.byHand === undefined ? {} : { takeEffect: (node: number, e: Effect) => this.takeEffect(node, e) }),
      },
    );
    // Faults are configured, not on: a test turns them on (setFaults, or world.network.faultsOn) when it wants.
    if (o.startMs !== undefined) this.advanceTo(o.startMs);
  }

  // ---- Hand scheduling (DriverOptions.byHand) ------------------------------------------------------------

  /** Takes what the test schedules by hand; returns false for what the World carries out itself. */
  protected takeEffect(node: number, e: Effect): boolean {
    const hand = this.byHand;
    if (hand === undefined) return false;
    const slot = this.world.nodes[node];
    switch (e.kind) {
      case 'send': {
        this.messagesSent++;
        const m: Held = { kind: 'message', from: slot.id, to: e.to, message: e.message };
        this.held.push(m);
        if (this.duplicateSends) this.held.push(m);
        return true;
      }
      case 'persist':
        if (this.world.fullDisks.has(slot.id)) {
          this.held.push({ kind: 'input', node: slot.id, inc: slot.inc, input: { kind: 'persistFailed', id: e.id, reason: 'noSpace' } });
        } else if (hand.writes === 'atOnce') {
          slot.disk.schedule(this.world.now, 0);
          slot.disk.complete(e.write);
          this.held.push({ kind: 'input', node: slot.id, inc: slot.inc, input: { kind: 'persisted', id: e.id } });
        } else {
          slot.disk.schedule(this.world.now, 0);
          this.held.push({ kind: 'write', node: slot.id, inc: slot.inc, id: e.id, write: e.write });
        }
        return true;
      case 'checkPassword':
        this.held.push({ kind: 'input', node: slot.id, inc: slot.inc, input: { kind: 'passwordChecked', id: e.id, ok: this.checkPassword(e.password, e.verifier) } });
        return true;
      case 'setTimer':
      case 'cancelTimer':
        if (hand.timers !== 'onCommand') return false;
        if (e.kind === 'setTimer') this.handTimers.add(`${slot.id} ${e.timer}`);
        else this.handTimers.delete(`${slot.id} ${e.timer}`);
        return true;
      default:
        return false;
    }
  }

  /**
   * Hand a held item's outcome to its node now: a message is delivered (dropped if the node is down), a write
   * becomes durable and `persisted` is delivered, an input is delivered (dropped if its incarnation died).
   * The item must already be out of `held`. Returns whether a node stepped.
   */
  release(h: Held): boolean {
    if (h.kind === 'message') return this.stepNow(h.to, { kind: 'message', from: h.from, message: h.message });
    const slot = this.world.nodes[this.index(h.node)];
    if (!slot.up || slot.inc !== h.inc) return false;
    if (h.kind === 'input') return this.stepNow(h.node, h.input);
    slot.disk.complete(h.write);
    return this.stepNow(h.node, { kind: 'persisted', id: h.id });
  }

  /** Step `id` with `input` now (false if it is down); a reducer exception is rethrown here. */
  stepNow(id: NodeId, input: Input): boolean {
    const stepped = this.world.stepNow(this.index(id), input);
    const err = this.world.errors[0];
    if (err !== undefined) throw new Error(`${err.node} threw on ${err.input}: ${err.error}`);
    return stepped;
  }

  /** Move virtual time to `t` (timers due by then fire, in time order), so what happens next happens at `t`. */
  advanceTo(t: number): void {
    const to = Math.max(t, this.world.now);
    // An empty event at `to` moves the World's clock there even when nothing else is due.
    this.world.at(to, () => undefined);
    this.world.runUntil(() => false, to);
    this.time = Math.max(this.time, to);
    const err = this.world.errors[0];
    if (err !== undefined) throw new Error(`${err.node} threw on ${err.input}: ${err.error}`);
  }

  /** Hand scheduling: fire every timer set by hand whose name starts with `prefix`, in `${node} ${timer}` order. */
  fireTimers(prefix: string): void {
    const due = [...this.handTimers].filter((k) => k.slice(k.indexOf(' ') + 1).startsWith(prefix)).sort();
    for (const k of due) {
      this.handTimers.delete(k);
      const at = k.indexOf(' ');
      this.stepNow(k.slice(0, at), { kind: 'timer', timer: k.slice(at + 1) });
    }
  }

  index(id: NodeId): number {
    const i = this.world.index.get(id);
    if (i === undefined) throw new Error(`no node ${id} in this cluster (${this.ids.join(', ')})`);
    return i;
  }

  /** Nodes running now, in id order of the constructor. */
  up(): NodeId[] {
    return this.world.nodes.filter((n) => n.up).map((n) => n.id);
  }

  state(id: NodeId): S {
    return this.world.nodes[this.index(id)].state;
  }

  /** Did `id` ever boot (a crashed node has; a spare never started has not)? */
  everBooted(id: NodeId): boolean {
    const n = this.world.nodes[this.index(id)];
    return n.up || n.inc > 0;
  }

  boot(id: NodeId): void {
    this.world.boot(this.index(id));
  }

  crash(id: NodeId): void {
    this.world.crash(this.index(id));
    if (this.byHand === undefined) return;
    // What the dead incarnation was waiting for is gone with it (release would drop it; drop it now so
    // counts of held work are right), and its timers.
    const losesMessages = this.byHand.crashLosesMessagesTo;
    this.held = this.held.filter((h) => (h.kind === 'message' ? !(losesMessages && h.to === id) : h.node !== id));
    for (const k of this.handTimers) if (k.startsWith(`${id} `)) this.handTimers.delete(k);
  }

  restart(id: NodeId): void {
    this.world.restart(this.index(id));
  }

  /** Network faults (loss, duplication, reordering), on while any rate is above 0. */
  setFaults(f: Partial<FaultConfig>): void {
    const faults = { ...NO_FAULTS, ...f };
    this.world.network.setFaults(faults);
    this.world.network.faultsOn = faults.lossRate > 0 || faults.dupRate > 0 || faults.reorderRate > 0;
  }

  /** Cut the links between the groups (nodes named in no group form one more group together). */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const named = new Set(groups.flat());
    const rest = this.ids.filter((n) => !named.has(n));
    this.world.network.healCuts();
    this.world.network.partition([...groups, rest].map((g) => g.map((n) => this.index(n))));
  }

  heal(): void {
    this.world.network.healCuts();
  }

  /** Hand `id` an input now (a message or a notice from outside the cluster). */
  injectInput(id: NodeId, input: Input): void {
    this.world.clientRequest(this.index(id), input);
  }

  run(forMs: number): void {
    this.runUntil(Math.max(this.time, this.world.now) + forMs);
  }

  runUntil(t: number): void {
    this.time = Math.max(this.time, t);
    this.world.runUntil(() => false, this.time);
  }

  /** Issue a client request and run the world until it is answered (or `timeoutMs` passes). */
  request(id: NodeId, request: ClientRequest, session = `c${this.session++}`, timeoutMs = 30_000): ClientReply | undefined {
    const key = `${id}/${session}`;
    this.lastReplies.delete(key);
    this.world.clientRequest(this.index(id), { kind: 'client', session, request });
    this.time = Math.max(this.time, this.world.now);
    this.world.runUntil(() => this.lastReplies.has(key), this.time + timeoutMs);
    this.time = Math.max(this.time, this.world.now);
    return this.lastReplies.get(key);
  }

  /** A fresh session id for a multi-request client session. */
  newSession(prefix: string): string {
    return `${prefix}${this.session++}`;
  }
}

// ---- The membership reducer alone, as a World node --------------------------------------------------------

/** The initial map over `nodes`: contiguous equal ranges in NodeId order (what a fresh cluster uses). */
export function evenMap(nodes: readonly NodeId[], buckets = 256): BucketOwner[] {
  return reassign(Array.from({ length: buckets }, () => ({ node: '', epoch: 0 })), nodes, 0);
}

export interface InstallRecord {
  readonly at: number;
  readonly node: NodeId;
  readonly previous: View;
  readonly view: View;
  readonly selfJustJoined: boolean;
}

/** Node names a membership cluster can boot besides its seeds (joiners), up to n9. */
const SPARE_IDS = Array.from({ length: 9 }, (_, i) => `n${i + 1}`);

/**
 * N membership reducers (src/pure/membership) on the World, without the rest of the node: boots with a seed
 * list, crashes, restarts, joins, partitions (`groups`), loss and duplication (`faults`), and the views each
 * node installed. Message delays are uniform in 1..packetLifetimeMaxMs, the bound the protocol assumes.
 */
export class MembershipCluster extends WorldDriver<MembershipState | null> {
  readonly installs: InstallRecord[] = [];
  /** Seeded bugs given to every node booted from now on (test/membership/seeded-bugs.test.ts only). */
  bugs: MembershipBugs = {};
  /** Partition: node → group; nodes in different groups cannot talk. Empty = fully connected (applied at each run). */
  readonly groups = new Map<NodeId, number>();
  private seedsAtBoot = new Map<NodeId, readonly NodeId[]>();
  private faultRates: { lossRate: number; dupRate: number } = { lossRate: 0, dupRate: 0 };

  constructor(
    readonly seeds: readonly NodeId[],
    seed = 1,
    readonly limits: MembershipLimits = defaultMembershipLimits,
    readonly initialMap: readonly BucketOwner[] = evenMap(seeds),
  ) {
    const ids = [...new Set([...seeds, ...SPARE_IDS])];
    const holder: { self?: MembershipCluster } = {};
    super({
      ids,
      seed,
      reducer: membershipReducer(() => holder.self!),
      nodeConfig: { nodes: seeds, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 1 },
      network: { delayMs: 1, jitterMs: limits.packetLifetimeMaxMs - 1, linkDelayMs: {} },
    });
    holder.self = this;
  }

  get faults(): { lossRate: number; dupRate: number } {
    return this.faultRates;
  }

  set faults(f: { lossRate: number; dupRate: number }) {
    this.faultRates = f;
    this.setFaults(f);
  }

  get now(): number {
    return this.time;
  }

  /** Every node ever booted: its state, or null while it is down. */
  get states(): Map<NodeId, MembershipState | null> {
    return new Map(this.ids.filter((n) => this.everBooted(n)).map((n) => [n, this.world.nodes[this.index(n)].up ? this.state(n) : null]));
  }

  /** Start (or restart after a crash) `node` with a seed list: a new incarnation. */
  override boot(node: NodeId, seeds: readonly NodeId[] = this.seeds): void {
    this.seedsAtBoot.set(node, seeds);
    if (this.everBooted(node)) this.world.restart(this.index(node));
    else this.world.boot(this.index(node));
  }

  live(): NodeId[] {
    return this.up();
  }

  override state(node: NodeId): MembershipState {
    const s = super.state(node);
    if (s === null || !this.world.nodes[this.index(node)].up) throw new Error(`${node} is not running`);
    return s;
  }

  /** Hand `node` a membership input now. */
  inject(node: NodeId, input: MembershipInput): void {
    // The World carries any input to the reducer untouched; this reducer reads membership inputs.
    this.injectInput(node, input as unknown as Input);
  }

  override runUntil(t: number): void {
    this.applyGroups();
    // An empty event at `t` moves the World's clock there, so an input injected next happens at the test's now.
    this.world.at(Math.max(t, this.world.now), () => undefined);
    super.runUntil(t);
  }

  /** Seed list for the boot now happening at `node`. */
  seedsFor(node: NodeId): readonly NodeId[] {
    return this.seedsAtBoot.get(node) ?? this.seeds;
  }

  private applyGroups(): void {
    this.heal();
    if (this.groups.size === 0) return;
    const byGroup = new Map<number, NodeId[]>();
    for (const n of this.ids) {
      const g = this.groups.get(n) ?? 0;
      byGroup.set(g, [...(byGroup.get(g) ?? []), n]);
    }
    this.world.network.partition([...byGroup.values()].map((g) => g.map((n) => this.index(n))));
  }

  /** Agreement among `nodes`: one view id, members exactly `nodes`, one user map. Returns a reason or null. */
  disagreement(nodes: readonly NodeId[] = this.live()): string | null {
    const sorted = [...nodes].sort();
    const views = nodes.map((n) => this.state(n).view);
    const first = views[0];
    for (const [i, v] of views.entries()) {
      const id = viewIdOf(v);
      if (id.epoch !== first.epoch || id.coordinator !== first.coordinator) return `${nodes[i]} holds ${id.epoch}@${id.coordinator}, ${nodes[0]} ${first.epoch}@${first.coordinator}`;
      if ([...v.members].sort().join() !== sorted.join()) return `${nodes[i]} members ${v.members.join()} != ${sorted.join()}`;
      if (v.map !== first.map && JSON.stringify(v.map) !== JSON.stringify(first.map)) return `${nodes[i]} has a different map`;
      if (!this.state(nodes[i]).joined) return `${nodes[i]} not joined`;
    }
    return null;
  }
}

/**
 * The membership reducer as a World node: `boot` boots it with the cluster's seed list for that node,
 * messages and timers step it, and its `installed` effects are recorded by the cluster (the World knows
 * only node effects; the membership's sends, timers and traces are node effects already).
 */
function membershipReducer(cluster: () => MembershipCluster): NodeReducer<MembershipState | null> {
  const effects = (self: NodeId, out: readonly MembershipEffect[]): Effect[] => {
    const c = cluster();
    const result: Effect[] = [];
    for (const e of out) {
      if (e.kind === 'installed') c.installs.push({ at: c.world.now, node: self, previous: e.previous, view: e.view, selfJustJoined: e.selfJustJoined });
      else result.push(e);
    }
    return result;
  };
  return {
    initialState: () => null,
    digest: (s) => JSON.stringify(s),
    step: (state, input0, env: Env) => {
      const c = cluster();
      // Membership inputs travel as node inputs (their kinds are a subset: message, timer, plus the injected
      // peerSuspected notice); the World does not look inside them.
      const input = input0 as unknown as MembershipInput | Extract<Input, { kind: 'boot' }>;
      if (input.kind === 'boot') {
        const r = bootMembership(input.self, c.seedsFor(input.self), c.initialMap, env, c.limits, c.bugs);
        return { state: r.state, effects: effects(input.self, r.effects) };
      }
      if (state === null) return { state, effects: [] };
      const r = stepMembership(state, input, env);
      return { state: r.state, effects: effects(state.self, r.effects) };
    },
  };
}
