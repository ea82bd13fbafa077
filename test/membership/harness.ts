// A tiny deterministic world for the membership reducer alone: N nodes, a seeded PRNG, an event queue
// keyed by (time, sequence), message delay/loss/duplication, partitions, crashes and restarts. The real
// simulator (src/sim) runs whole nodes; this one lets the membership tests run without it.
import { bootMembership, stepMembership } from '../../src/pure/membership/membership.js';
import { defaultMembershipLimits, type MembershipLimits } from '../../src/pure/membership/limits.js';
import { noMembershipBugs, type MembershipBugs } from '../../src/pure/membership/bugs.js';
import type { MembershipEffect, MembershipInput, MembershipMessage, View } from '../../src/pure/membership/messages.js';
import { viewIdOf } from '../../src/pure/membership/messages.js';
import type { MembershipState } from '../../src/pure/membership/state.js';
import type { BucketOwner } from '../../src/pure/user-map/reassign.js';
import { reassign } from '../../src/pure/user-map/reassign.js';
import type { Env, NodeId } from '../../src/pure/types.js';

export interface Faults {
  lossRate: number;
  dupRate: number;
}

interface Event {
  at: number;
  seq: number;
  node: NodeId;
  input: MembershipInput;
  /** For timers: the generation that armed it; a re-armed or cancelled timer leaves stale events. */
  gen?: number;
  /** The incarnation the event belongs to (timers die with a crash). */
  incarnation: number;
}

export interface InstallRecord {
  at: number;
  node: NodeId;
  previous: View;
  view: View;
  selfJustJoined: boolean;
  /** Which incarnation of `node` installed it (bumped by every boot and crash). */
  incarnation: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The initial map over `nodes`: contiguous equal ranges in NodeId order (what a fresh cluster uses). */
export function evenMap(nodes: readonly NodeId[], buckets = 256): BucketOwner[] {
  return reassign(Array.from({ length: buckets }, () => ({ node: '', epoch: 0 })), nodes, 0);
}

export class MiniCluster {
  readonly states = new Map<NodeId, MembershipState | null>();
  readonly installs: InstallRecord[] = [];
  readonly traces: { at: number; node: NodeId; action: string; args: Readonly<Record<string, unknown>> }[] = [];
  messagesSent = 0;
  now = 0;
  faults: Faults = { lossRate: 0, dupRate: 0 };
  /** Seeded bugs given to every node booted from now on (test/membership/seeded-bugs.test.ts only). */
  bugs: MembershipBugs = noMembershipBugs;
  /** Partition: node → group; nodes in different groups cannot talk. Empty = fully connected. */
  groups = new Map<NodeId, number>();
  private readonly queue: Event[] = [];
  private seq = 0;
  private readonly timerGen = new Map<string, number>();
  private readonly incarnations = new Map<NodeId, number>();
  private readonly rand: () => number;

  constructor(
    readonly seeds: readonly NodeId[],
    seed = 1,
    readonly limits: MembershipLimits = defaultMembershipLimits,
    readonly initialMap: readonly BucketOwner[] = evenMap(seeds),
  ) {
    this.rand = mulberry32(seed);
  }

  env(): Env {
    return { now: this.now, entropy: Math.floor(this.rand() * 2 ** 32) };
  }

  /** Start (or restart after a crash) `node` with the seed list: a new incarnation. */
  boot(node: NodeId, seeds: readonly NodeId[] = this.seeds): void {
    this.incarnations.set(node, (this.incarnations.get(node) ?? 0) + 1);
    const { state, effects } = bootMembership(node, seeds, this.initialMap, this.env(), this.limits, this.bugs);
    this.states.set(node, state);
    this.apply(node, effects);
  }

  crash(node: NodeId): void {
    this.states.set(node, null);
    this.incarnations.set(node, (this.incarnations.get(node) ?? 0) + 1);
  }

  live(): NodeId[] {
    return [...this.states.entries()].filter(([, s]) => s !== null).map(([n]) => n);
  }

  state(node: NodeId): MembershipState {
    const s = this.states.get(node);
    if (s === undefined || s === null) throw new Error(`${node} is not running`);
    return s;
  }

  canTalk(a: NodeId, b: NodeId): boolean {
    return (this.groups.get(a) ?? 0) === (this.groups.get(b) ?? 0);
  }

  inject(node: NodeId, input: MembershipInput): void {
    this.push({ at: this.now, seq: this.seq++, node, input, incarnation: this.incarnations.get(node) ?? 0 });
  }

  runUntil(t: number): void {
    for (;;) {
      const ev = this.queue[0];
      if (ev === undefined || ev.at > t) break;
      this.queue.shift();
      this.now = ev.at;
      this.deliver(ev);
    }
    this.now = t;
  }

  run(forMs: number): void {
    this.runUntil(this.now + forMs);
  }

  private deliver(ev: Event): void {
    const s = this.states.get(ev.node);
    if (s === null || s === undefined || ev.incarnation !== this.incarnations.get(ev.node)) return;
    if (ev.input.kind === 'timer' && ev.gen !== this.timerGen.get(`${ev.node}/${ev.input.timer}`)) return;
    const { state, effects } = stepMembership(s, ev.input, this.env());
    this.states.set(ev.node, state);
    this.apply(ev.node, effects);
  }

  private apply(node: NodeId, effects: readonly MembershipEffect[]): void {
    const incarnation = this.incarnations.get(node) ?? 0;
    for (const e of effects) {
      switch (e.kind) {
        case 'send':
          this.send(node, e.to, e.message);
          break;
        case 'setTimer': {
          const key = `${node}/${e.timer}`;
          const gen = (this.timerGen.get(key) ?? 0) + 1;
          this.timerGen.set(key, gen);
          this.push({ at: this.now + e.afterMs, seq: this.seq++, node, input: { kind: 'timer', timer: e.timer }, gen, incarnation });
          break;
        }
        case 'cancelTimer': {
          const key = `${node}/${e.timer}`;
          this.timerGen.set(key, (this.timerGen.get(key) ?? 0) + 1);
          break;
        }
        case 'trace':
          this.traces.push({ at: this.now, node, action: e.action, args: e.args });
          break;
        case 'installed':
          this.installs.push({ at: this.now, node, previous: e.previous, view: e.view, selfJustJoined: e.selfJustJoined, incarnation });
          break;
      }
    }
  }

  private send(from: NodeId, to: NodeId, message: MembershipMessage): void {
    this.messagesSent++;
    if (!this.canTalk(from, to) || this.rand() < this.faults.lossRate) return;
    const copies = this.rand() < this.faults.dupRate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const delay = 1 + Math.floor(this.rand() * this.limits.packetLifetimeMaxMs);
      const incarnation = this.incarnations.get(to) ?? 0;
      this.push({ at: this.now + delay, seq: this.seq++, node: to, input: { kind: 'message', from, message }, incarnation });
    }
  }

  private push(ev: Event): void {
    // Binary search keeps the queue sorted by (at, seq): deterministic order for equal times.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const q = this.queue[mid];
      if (q.at < ev.at || (q.at === ev.at && q.seq < ev.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, ev);
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
