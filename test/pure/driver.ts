// A tiny in-test cluster driver for golden scenarios (STYLE.md habit 7): nodes step in one process,
// messages are delivered in FIFO order, disk writes complete when the queue drains, timers fire only on
// command. Deterministic: the entropy of step i is a fixed function of i.
import { applyHardWrite, emptyHardState, type HardState } from '../../src/pure/hard-state.js';
import { mix32 } from '../../src/pure/hash.js';
import type { ClientReply, ClientRequest, Effect, Input, NodeConfig } from '../../src/pure/io.js';
import { nodeInvariants } from '../../src/pure/invariants.js';
import { describeNode, initialNodeState, stepNode, type NodeState } from '../../src/pure/node.js';
import type { NodeId } from '../../src/pure/types.js';
import { deepFreeze } from './deep-freeze.js';

/** The simulator's stand-in for scrypt: the verifier of password p is "v:" + p. */
export const verifierOf = (password: string): string => `v:${password}`;

interface Pending {
  readonly node: NodeId;
  readonly input: Input;
}

export class Cluster {
  readonly nodes = new Map<NodeId, NodeState>();
  readonly disks = new Map<NodeId, HardState>();
  readonly down = new Set<NodeId>();
  private queue: Pending[] = [];
  private timers = new Map<string, NodeId>(); // `${node} ${timer}` → node
  private steps = 0;
  now = 1_000;
  readonly log: string[] = [];
  /** Every client reply, in order (scenarios read POP listings from here). */
  readonly replies: { node: NodeId; session: string; reply: ClientReply }[] = [];
  freeze = true;
  /** Check the node's invariants after every step (O(state): off for benchmarks). */
  checkInvariants = true;
  /** Milliseconds spent inside stepNode (for the ad-hoc benchmark in perf-main.ts). */
  stepMs = 0;
  /** Deliver every node-to-node message twice (duplication must be harmless). */
  duplicate = false;
  /** Nodes whose disk refuses every write (full): persists complete as `persistFailed`, nothing is kept. */
  readonly fullDisks = new Set<NodeId>();

  constructor(readonly config: NodeConfig) {}

  boot(node: NodeId, hard?: HardState): void {
    this.down.delete(node);
    // A hard state handed in (seeded users) is what this node's disk holds from now on.
    if (hard !== undefined) this.disks.set(node, hard);
    this.step(node, { kind: 'boot', self: node, hard: hard ?? this.disks.get(node) ?? emptyHardState(), config: this.config });
  }

  client(node: NodeId, session: string, request: ClientRequest): void {
    this.step(node, { kind: 'client', session, request });
  }

  /** Crash: the node stops; its pending inputs are lost; its disk keeps what was persisted. */
  crash(node: NodeId): void {
    this.down.add(node);
    this.nodes.set(node, initialNodeState());
    this.queue = this.queue.filter((p) => p.node !== node);
    for (const [k, n] of this.timers) if (n === node) this.timers.delete(k);
  }

  step(node: NodeId, input: Input): void {
    if (this.down.has(node)) return;
    const s = this.nodes.get(node) ?? initialNodeState();
    const env = { now: this.now, entropy: mix32(this.steps++) };
    const t0 = performance.now();
    const r = stepNode(this.freeze ? deepFreeze(s) : s, input, env);
    this.stepMs += performance.now() - t0;
    this.nodes.set(node, r.state);
    if (this.checkInvariants) {
      const broken = nodeInvariants(r.state);
      if (broken.length > 0) throw new Error(`invariants broken after ${input.kind}: ${broken.join('; ')}`);
    }
    for (const e of r.effects) this.effect(node, e);
  }

  private effect(node: NodeId, e: Effect): void {
    switch (e.kind) {
      case 'send':
        this.queue.push({ node: e.to, input: { kind: 'message', from: node, message: e.message } });
        if (this.duplicate) this.queue.push({ node: e.to, input: { kind: 'message', from: node, message: e.message } });
        return;
      case 'persist':
        if (this.fullDisks.has(node)) {
          this.queue.push({ node, input: { kind: 'persistFailed', id: e.id, reason: 'noSpace' } });
          return;
        }
        this.disks.set(node, applyHardWrite(this.disks.get(node) ?? emptyHardState(), e.write));
        this.queue.push({ node, input: { kind: 'persisted', id: e.id } });
        return;
      case 'reply':
        this.log.push(`${node} ${e.session} < ${renderReply(e.reply)}`);
        this.replies.push({ node, session: e.session, reply: e.reply });
        return;
      case 'setTimer':
        this.timers.set(`${node} ${e.timer}`, node);
        return;
      case 'cancelTimer':
        this.timers.delete(`${node} ${e.timer}`);
        return;
      case 'checkPassword':
        this.queue.push({ node, input: { kind: 'passwordChecked', id: e.id, ok: e.verifier === verifierOf(e.password) } });
        return;
      case 'trace':
        return;
    }
  }

  /** Delivers queued inputs in FIFO order until nothing is left (bounded: a livelock is a test failure). */
  deliverAll(maxSteps = 100_000, pick?: (queued: number) => number, lose?: (input: Input) => boolean): number {
    let n = 0;
    while (this.queue.length > 0) {
      if (n++ > maxSteps) throw new Error('deliverAll: no quiescence');
      // `pick` reorders delivery (an index into the queue); FIFO by default.
      const p = pick === undefined ? this.queue.shift() : this.queue.splice(pick(this.queue.length), 1)[0];
      // `lose` drops node-to-node messages only (disk completions and password checks always arrive).
      if (p !== undefined && !(lose !== undefined && p.input.kind === 'message' && lose(p.input))) this.step(p.node, p.input);
    }
    return n;
  }

  pendingTimers(): string[] {
    return [...this.timers.keys()].sort();
  }

  /** Fires every pending timer whose name starts with `prefix`, in name order. */
  fireTimers(prefix: string): void {
    const due = [...this.timers.keys()].filter((k) => k.split(' ')[1].startsWith(prefix)).sort();
    for (const k of due) {
      const [node, timer] = k.split(' ');
      this.timers.delete(k);
      this.step(node, { kind: 'timer', timer });
    }
  }

  /**
   * Runs the membership until every node that is up has been admitted by a view (a node still in its
   * provisional boot view cannot answer "no such user": soft-state/manager.ts mayDenyExistence). Fires the
   * membership timers in rounds, the clock moving a second per round; what it logs is taken away.
   */
  formView(maxRounds = 20): void {
    const admitted = () => [...this.nodes.entries()].every(([n, s]) => this.down.has(n) || s.membership?.joined === true);
    for (let i = 0; i < maxRounds && !admitted(); i++) {
      this.now += 1_000;
      for (const t of ['start', 'round', 'commit']) {
        this.fireTimers(`membership/${t}`);
        this.deliverAll();
      }
    }
    if (!admitted()) throw new Error(`formView: no view admitted every node within ${maxRounds} rounds`);
    this.takeLog();
  }

  takeLog(): string[] {
    return this.log.splice(0, this.log.length);
  }

  describe(node: NodeId): string {
    return describeNode(this.nodes.get(node) ?? initialNodeState());
  }
}

export function renderReply(r: ClientReply): string {
  switch (r.kind) {
    case 'smtpRcpt':
      return `smtpRcpt ${r.code} ${r.text}`;
    case 'smtpData':
      return `smtpData ${r.code} ${r.text} [${r.results.map((x) => `${x.user}=${x.code}${x.msgId ? `:${x.msgId}` : ''}`).join(' ')}]`;
    case 'popAuth':
      return `popAuth ${r.ok ? '+OK' : '-ERR'} ${r.text}`;
    case 'popList':
      return `popList ${r.ok ? '+OK' : '-ERR'} ${r.text}${r.messages.map((m) => ` ${m.msgId}(${m.sizeBytes})`).join('')}`;
    case 'popRetr':
      return `popRetr ${r.ok ? '+OK' : '-ERR'} ${r.text}${r.body !== undefined ? ` ${JSON.stringify(r.body)}` : ''}`;
    case 'popDele':
      return `popDele ${r.ok ? '+OK' : '-ERR'} ${r.text}`;
    case 'popRset':
      return `popRset ${r.ok ? '+OK' : '-ERR'} ${r.text}`;
    case 'popQuit':
      return `popQuit ${r.ok ? '+OK' : '-ERR'} ${r.text}`;
    case 'adminSetUser':
      return `adminSetUser ${r.ok ? '+OK' : '-ERR'} ${r.text}`;
    case 'adminListUsers':
      return `adminListUsers ${r.ok ? '+OK' : '-ERR'} ${r.text} [${r.users.join(' ')}]`;
  }
}
