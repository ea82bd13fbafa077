// The deterministic world: N node reducers, one event queue, the network, a disk and a clock per node.
// It feeds each node its inputs one at a time and carries out the effects the node returns (DESIGN.md §3):
// sends go through the network model, persists through the disk model, timers and password checks become
// future events, replies and trace events go to the driver's hooks. Nothing here knows the protocols.
import { assertNever } from '../pure/assert.js';
import type { ClientReply, Effect, Input, NodeConfig, StepResult } from '../pure/io.js';
import type { HardState, HardWrite } from '../pure/hard-state.js';
import type { Message } from '../pure/messages.js';
import type { Env, NodeId, SessionId } from '../pure/types.js';
import type { CostHooks } from './costs.js';
import { Disk, type DiskBugs } from './disk.js';
import { EventQueue } from './event-queue.js';
import { Network } from './network.js';
import type { FaultConfig, NetworkConfig } from './config.js';
import type { Prng } from './prng.js';

/** What the world runs: the node reducer (the real one, or a tiny fake in tests). */
export interface NodeReducer<S> {
  initialState(): S;
  step(state: S, input: Input, env: Env): StepResult<S>;
  /** Canonical rendering of the whole node state; replay compares hashes of it. */
  digest(state: S): string;
}

export interface WorldHooks {
  /** A node answered a client session. */
  onReply(node: number, session: SessionId, reply: ClientReply): void;
  /** Trace effects of one step, after all its effects were carried out. */
  onTrace?(node: number, action: string, args: Readonly<Record<string, unknown>>): void;
  /** A node crashed: its client sessions are broken. */
  onNodeDown?(node: number): void;
  /** After every reducer step (checkpoints, invariants). */
  afterStep?(node: number, input: Input): void;
  /**
   * Tests that schedule by hand (test/support/world-driver.ts): offered every effect before the world carries
   * it out; returning true takes it (the test holds a message, a write or a timer and later hands the node its
   * outcome with `stepNow`). The simulator never sets it.
   */
  takeEffect?(node: number, effect: Effect): boolean;
}

export interface ReducerError {
  readonly step: number;
  readonly t: number;
  readonly node: NodeId;
  readonly input: string;
  readonly error: string;
}

export interface WorldParams {
  readonly ids: readonly NodeId[];
  readonly nodeConfig: NodeConfig;
  readonly network: NetworkConfig;
  readonly faults: FaultConfig;
  readonly diskLatencyMs: number;
  /** Per-node disk service time (SimConfig.diskServiceMsByNode); absent = none. */
  readonly diskServiceMsByNode?: Readonly<Record<NodeId, number>>;
  readonly passwordCheckMs: number;
  readonly initialHard: HardState;
  /** Cheap stand-in for scrypt: does `password` match `verifier`? */
  readonly checkPassword: (password: string, verifier: string) => boolean;
  /** Seeded disk bugs (test/sim/trace-observes.test.ts only). */
  readonly diskBugs?: DiskBugs;
  /** The hardware model's costs (costs.ts); absent = zero-cost timing. */
  readonly costs?: CostHooks;
  /** Count the JSON size of every sent message (for cost reports such as `porcupine audit`); off by default. */
  readonly countMessageBytes?: boolean;
}

type SimEvent =
  /** An input for a node; `inc` −1 = any incarnation (network), else only that incarnation (client, password). */
  | { readonly kind: 'input'; readonly node: number; readonly inc: number; readonly input: Input }
  | { readonly kind: 'timer'; readonly node: number; readonly inc: number; readonly key: string; readonly gen: number }
  | { readonly kind: 'persisted'; readonly node: number; readonly inc: number; readonly id: number; readonly write: HardWrite }
  /** With costs: an input whose CPU work is done; the step runs now (only for that incarnation). */
  | { readonly kind: 'run'; readonly node: number; readonly inc: number; readonly input: Input }
  | { readonly kind: 'call'; readonly fn: () => void };

interface NodeSlot<S> {
  readonly id: NodeId;
  state: S;
  up: boolean;
  /** Incarnation as the world counts it (bumped by every crash); events of older ones are dropped. */
  inc: number;
  readonly timers: Map<string, number>;
  readonly disk: Disk;
  skewMs: number;
  /** With costs: when this node's CPU finishes the work queued so far. */
  cpuFreeAt: number;
  /** Events queued for this node and their peak (the load-imbalance statistic). */
  pending: number;
  pendingPeak: number;
  steps: number;
}

export interface WorldCounters {
  steps: number;
  events: number;
  droppedAtDownNode: number;
  staleTimers: number;
  traceEvents: number;
  crashes: number;
  restarts: number;
  /** Messages handed to the network by `send` effects (before loss or duplication): the RPC cost. */
  sends: number;
  /** Bytes of those messages as JSON, counted only when WorldParams.countMessageBytes is set (it costs a stringify). */
  sendBytes: number;
}

export class World<S> {
  readonly queue = new EventQueue<SimEvent>();
  readonly network: Network;
  readonly nodes: NodeSlot<S>[];
  readonly index = new Map<NodeId, number>();
  readonly counters: WorldCounters = { steps: 0, events: 0, droppedAtDownNode: 0, staleTimers: 0, traceEvents: 0, crashes: 0, restarts: 0, sends: 0, sendBytes: 0 };
  readonly errors: ReducerError[] = [];
  /**
   * Nodes whose disk is full: their writes complete as `persistFailed` (nothing kept), as the runtime's do
   * when a write gets ENOSPC. Set and cleared by a test or a fault schedule; empty by default.
   */
  readonly fullDisks = new Set<NodeId>();
  /** Messages sent, by message kind (cost reports; cheap: one map update per send). */
  readonly sendsByKind = new Map<string, number>();
  /** Set when a reducer threw: the run stops (an assertion failure is a bug to look at, not to survive). */
  halted = false;
  private timerGen = 0;
  private readonly traceBuf: Extract<Effect, { kind: 'trace' }>[] = [];

  constructor(
    private readonly reducer: NodeReducer<S>,
    private readonly params: WorldParams,
    private readonly entropy: Prng,
    networkRng: Prng,
    public hooks: WorldHooks,
  ) {
    const n = params.ids.length;
    this.network = new Network(n, params.ids, params.network, params.faults, networkRng);
    this.nodes = params.ids.map((id, i) => {
      this.index.set(id, i);
      return {
        id, state: reducer.initialState(), up: false, inc: 0, timers: new Map(), disk: new Disk(params.initialHard, params.diskBugs),
        skewMs: 0, cpuFreeAt: 0, pending: 0, pendingPeak: 0, steps: 0,
      };
    });
  }

  get now(): number {
    return this.queue.time;
  }

  /** Run `fn` at virtual time `t` (driver and workload events). */
  at(t: number, fn: () => void): void {
    this.queue.push(t, { kind: 'call', fn });
  }

  /** Process events until `stop()` holds, time would pass `tMax`, the queue empties or a reducer threw. */
  runUntil(stop: () => boolean, tMax: number): void {
    const q = this.queue;
    while (!this.halted && !stop()) {
      if (q.peekTime() > tMax) return;
      const ev = q.pop();
      if (ev === undefined) return;
      this.counters.events++;
      this.dispatch(ev);
    }
  }

  /** Boot (or restart) a node: it gets its disk's durable state; all soft state is fresh. */
  boot(node: number): void {
    const slot = this.nodes[node];
    if (slot.up) return;
    slot.up = true;
    slot.state = this.reducer.initialState();
    this.step(slot, node, { kind: 'boot', self: slot.id, hard: slot.disk.readBack(), config: this.params.nodeConfig });
  }

  /** Crash a node: soft state, timers and unflushed writes are lost; in-flight client sessions break. */
  crash(node: number): void {
    const slot = this.nodes[node];
    if (!slot.up) return;
    slot.up = false;
    slot.inc++;
    slot.timers.clear();
    slot.disk.crash();
    slot.cpuFreeAt = 0;
    this.params.costs?.onCrash(node);
    slot.state = this.reducer.initialState();
    this.counters.crashes++;
    this.hooks.onNodeDown?.(node);
  }

  restart(node: number): void {
    if (this.nodes[node].up) return;
    this.counters.restarts++;
    this.boot(node);
  }

  setSkew(node: number, skewMs: number): void {
    this.nodes[node].skewMs = skewMs;
  }

  /** Hand a client request to a node's front end (arrives now; dropped if that incarnation died). */
  clientRequest(node: number, input: Input): void {
    const slot = this.nodes[node];
    const costs = this.params.costs;
    const t = costs !== undefined && input.kind === 'client' ? costs.requestArrivesAt(node, this.now, input.request) : this.now;
    this.push(t, { kind: 'input', node, inc: slot.inc, input });
  }

  /**
   * Step a running node with `input` now, outside the event queue (hand-scheduling tests: a held message
   * delivered, a held write completed, a timer fired on command). Returns false if the node is down.
   */
  stepNow(node: number, input: Input): boolean {
    const slot = this.nodes[node];
    if (!slot.up || this.halted) return false;
    this.step(slot, node, input);
    return true;
  }

  digests(): Record<NodeId, string> {
    const out: Record<NodeId, string> = {};
    for (const slot of this.nodes) out[slot.id] = this.reducer.digest(slot.state);
    return out;
  }

  private push(t: number, ev: SimEvent): void {
    if (ev.kind !== 'call') {
      const slot = this.nodes[ev.node];
      if (++slot.pending > slot.pendingPeak) slot.pendingPeak = slot.pending;
    }
    this.queue.push(t, ev);
  }

  private dispatch(ev: SimEvent): void {
    if (ev.kind === 'call') return ev.fn();
    const slot = this.nodes[ev.node];
    slot.pending--;
    if (!slot.up || (ev.inc >= 0 && ev.inc !== slot.inc)) {
      if (ev.kind === 'input') this.counters.droppedAtDownNode++;
      return;
    }
    switch (ev.kind) {
      case 'input':
        return this.deliver(slot, ev.node, ev.input);
      case 'timer':
        if (slot.timers.get(ev.key) !== ev.gen) {
          this.counters.staleTimers++;
          return;
        }
        slot.timers.delete(ev.key);
        return this.deliver(slot, ev.node, { kind: 'timer', timer: ev.key });
      case 'persisted':
        slot.disk.complete(ev.write);
        return this.deliver(slot, ev.node, { kind: 'persisted', id: ev.id });
      case 'run':
        return this.step(slot, ev.node, ev.input);
    }
    assertNever(ev, 'event');
  }

  /**
   * Hand an input to the node: at once with zero-cost timing; with costs, after the CPU work it takes,
   * queued behind the node's earlier work (one CPU, first come first served).
   */
  private deliver(slot: NodeSlot<S>, node: number, input: Input): void {
    const costs = this.params.costs;
    if (costs === undefined) return this.step(slot, node, input);
    const now = this.queue.time;
    const doneAt = Math.max(now, slot.cpuFreeAt) + costs.cpuMs(node, input);
    if (doneAt <= now) return this.step(slot, node, input);
    slot.cpuFreeAt = doneAt;
    this.push(doneAt, { kind: 'run', node, inc: slot.inc, input });
  }

  private step(slot: NodeSlot<S>, node: number, input: Input): void {
    const env: Env = { now: Math.floor(this.queue.time + slot.skewMs), entropy: this.entropy.nextU32() };
    let result: StepResult<S>;
    try {
      result = this.reducer.step(slot.state, input, env);
    } catch (e) {
      this.errors.push({
        step: this.counters.steps, t: this.now, node: slot.id, input: input.kind,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      });
      this.halted = true;
      return;
    }
    slot.state = result.state;
    slot.steps++;
    this.counters.steps++;
    const effects = result.effects;
    for (let i = 0; i < effects.length; i++) this.apply(slot, node, effects[i]);
    if (this.traceBuf.length > 0) this.flushTrace(node);
    this.hooks.afterStep?.(node, input);
  }

  private apply(slot: NodeSlot<S>, node: number, e: Effect): void {
    if (this.hooks.takeEffect !== undefined && this.hooks.takeEffect(node, e)) return;
    const now = this.queue.time;
    switch (e.kind) {
      case 'send':
        return this.send(node, e.to, e.message);
      case 'persist': {
        if (this.fullDisks.has(slot.id)) {
          const input: Input = { kind: 'persistFailed', id: e.id, reason: 'noSpace' };
          return this.push(now + this.params.diskLatencyMs, { kind: 'input', node, inc: slot.inc, input });
        }
        const costs = this.params.costs;
        const doneAt =
          costs === undefined
            ? slot.disk.schedule(now, this.params.diskLatencyMs, this.params.diskServiceMsByNode?.[slot.id] ?? 0)
            : slot.disk.scheduleAt(costs.persistDoneAt(node, now, e.write));
        return this.push(doneAt, { kind: 'persisted', node, inc: slot.inc, id: e.id, write: e.write });
      }
      case 'reply': {
        const costs = this.params.costs;
        if (costs === undefined) return this.hooks.onReply(node, e.session, e.reply);
        const t = costs.replyArrivesAt(node, now, e.reply);
        if (t <= now) return this.hooks.onReply(node, e.session, e.reply);
        return this.at(t, () => this.hooks.onReply(node, e.session, e.reply));
      }
      case 'setTimer': {
        const gen = ++this.timerGen;
        slot.timers.set(e.timer, gen);
        return this.push(now + Math.max(0, e.afterMs), { kind: 'timer', node, inc: slot.inc, key: e.timer, gen });
      }
      case 'cancelTimer':
        slot.timers.delete(e.timer);
        return;
      case 'checkPassword': {
        const ok = this.params.checkPassword(e.password, e.verifier);
        const input: Input = { kind: 'passwordChecked', id: e.id, ok };
        return this.push(now + this.params.passwordCheckMs, { kind: 'input', node, inc: slot.inc, input });
      }
      case 'trace':
        this.counters.traceEvents++;
        if (this.hooks.onTrace !== undefined) this.traceBuf.push(e);
        return;
    }
    assertNever(e, 'effect');
  }

  private send(from: number, toId: NodeId, message: Message): void {
    this.counters.sends++;
    this.sendsByKind.set(message.kind, (this.sendsByKind.get(message.kind) ?? 0) + 1);
    if (this.params.countMessageBytes === true) this.counters.sendBytes += JSON.stringify(message).length;
    const to = this.index.get(toId);
    if (to === undefined) return; // a node we never had: like an address nobody answers at
    const copies = this.network.route(from, to);
    if (copies === 0) return;
    const input: Input = { kind: 'message', from: this.nodes[from].id, message };
    const costs = this.params.costs;
    // With costs the message first crosses the model's network (the shared segment), then the link's delay.
    const now = costs === undefined ? this.queue.time : costs.messageArrivesAt(from, to, this.queue.time, message);
    this.push(now + this.network.delays[0], { kind: 'input', node: to, inc: -1, input });
    if (copies === 2) this.push(now + this.network.delays[1], { kind: 'input', node: to, inc: -1, input });
  }

  private flushTrace(node: number): void {
    const buf = this.traceBuf;
    for (let i = 0; i < buf.length; i++) this.hooks.onTrace?.(node, buf[i].action, buf[i].args);
    buf.length = 0;
  }
}
