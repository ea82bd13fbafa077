// Full nodes (src/pure/node.ts) on the shared World driver, scheduled by hand for the golden scenarios
// (STYLE.md habit 7) and the node-level tests of test/pure: messages, completed writes and password checks
// are delivered in FIFO order (or in an order the test picks), writes are durable as soon as they are issued,
// and timers fire only on command, so a scenario reads as a protocol transcript independent of timing.
// Deterministic: step i gets entropy mix32(i), and time moves only when the test sets `now`.
import type { HardState } from '../../src/pure/hard-state.js';
import type { ClientReply, ClientRequest, Input, NodeConfig } from '../../src/pure/io.js';
import { nodeInvariants } from '../../src/pure/invariants.js';
import { describeNode, digestNode, initialNodeState, stepNode, type NodeState } from '../../src/pure/node.js';
import type { NodeId } from '../../src/pure/types.js';
import type { NodeReducer } from '../../src/sim/world.js';
import { deepFreeze } from '../pure/deep-freeze.js';
import { StepCountEntropy, WorldDriver } from './world-driver.js';

/** The simulator's stand-in for scrypt: the verifier of password p is "v:" + p. */
export const verifierOf = (password: string): string => `v:${password}`;

export class NodeCluster extends WorldDriver<NodeState> {
  /** Deep-freeze every state handed to the reducer (DESIGN.md §3); off for benchmarks. */
  freeze = true;
  /** Check the node's invariants after every step (O(state): off for benchmarks). */
  checkInvariants = true;
  /** Milliseconds spent inside stepNode (for the ad-hoc benchmark in test/pure/perf-main.ts). */
  stepMs = 0;
  /** Reply lines not yet taken (`takeLog`). */
  private log: string[] = [];

  constructor(readonly config: NodeConfig) {
    const holder: { self?: NodeCluster } = {};
    super({
      ids: config.nodes,
      seed: 0,
      reducer: checkedNodeReducer(() => holder.self!),
      nodeConfig: config,
      network: { delayMs: 0, jitterMs: 0, linkDelayMs: {} },
      diskLatencyMs: 0,
      checkPassword: (password, verifier) => verifier === verifierOf(password),
      byHand: { writes: 'atOnce', timers: 'onCommand', crashLosesMessagesTo: true },
      entropy: new StepCountEntropy(),
      startMs: 1_000,
    });
    holder.self = this;
  }

  /** Virtual time the next steps see; set it to move time forward (timers still fire only on command). */
  get now(): number {
    return this.time;
  }

  set now(t: number) {
    this.advanceTo(t);
  }

  /** Every client reply, in order (scenarios read POP listings from here). */
  get replies(): { node: NodeId; session: string; reply: ClientReply }[] {
    return this.replyLog;
  }

  /** Deliver every node-to-node message twice (duplication must be harmless). */
  get duplicate(): boolean {
    return this.duplicateSends;
  }

  set duplicate(on: boolean) {
    this.duplicateSends = on;
  }

  /** Nodes whose disk refuses every write (full): persists complete as `persistFailed`, nothing is kept. */
  get fullDisks(): Set<NodeId> {
    return this.world.fullDisks;
  }

  /** Boot (or restart) `node`; a hard state handed in (seeded users) is what its disk holds from now on. */
  override boot(node: NodeId, hard?: HardState): void {
    const slot = this.world.nodes[this.index(node)];
    if (hard !== undefined) slot.disk.wipe(hard);
    this.world.boot(this.index(node));
  }

  client(node: NodeId, session: string, request: ClientRequest): void {
    const before = this.replyLog.length;
    this.stepNow(node, { kind: 'client', session, request });
    this.logReplies(before);
  }

  /** The node's state now (a crashed node's is the initial state). */
  node(id: NodeId): NodeState {
    return this.state(id);
  }

  /** The durable hard state of the node's disk. */
  disk(id: NodeId): HardState {
    return this.world.nodes[this.index(id)].disk.durable;
  }

  isDown(id: NodeId): boolean {
    return !this.world.nodes[this.index(id)].up;
  }

  /**
   * Deliver held messages, completed writes and password answers, FIFO or in the order `pick` chooses (an
   * index into the held items), until nothing is left; `lose` drops node-to-node messages only. Bounded: a
   * livelock is a test failure. Returns the number of items taken.
   */
  deliverAll(maxSteps = 100_000, pick?: (queued: number) => number, lose?: (input: Input) => boolean): number {
    let n = 0;
    while (this.held.length > 0) {
      if (n++ > maxSteps) throw new Error('deliverAll: no quiescence');
      const h = pick === undefined ? this.held.shift() : this.held.splice(pick(this.held.length), 1)[0];
      if (h === undefined) continue;
      if (lose !== undefined && h.kind === 'message' && lose({ kind: 'message', from: h.from, message: h.message })) continue;
      const before = this.replyLog.length;
      this.release(h);
      this.logReplies(before);
    }
    return n;
  }

  /** Timers set and not fired, as `${node} ${timer}`, sorted. */
  pendingTimers(): string[] {
    return [...this.handTimers].sort();
  }

  override fireTimers(prefix: string): void {
    const before = this.replyLog.length;
    super.fireTimers(prefix);
    this.logReplies(before);
  }

  /**
   * Runs the membership until every node that is up has been admitted by a view (a node still in its
   * provisional boot view cannot answer "no such user": soft-state/manager.ts mayDenyExistence). Fires the
   * membership timers in rounds, the clock moving a second per round; what it logs is taken away.
   */
  formView(maxRounds = 20): void {
    const admitted = () => this.ids.every((n) => this.isDown(n) || this.node(n).membership?.joined === true);
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

  /** Reply lines since the last call, as `${node} ${session} < ${reply}`. */
  takeLog(): string[] {
    const out = this.log;
    this.log = [];
    return out;
  }

  describe(node: NodeId): string {
    return describeNode(this.state(node));
  }

  digest(node: NodeId): string {
    return digestNode(this.state(node));
  }

  private logReplies(from: number): void {
    for (let i = from; i < this.replyLog.length; i++) {
      const r = this.replyLog[i];
      this.log.push(`${r.node} ${r.session} < ${renderReply(r.reply)}`);
    }
  }
}

/** stepNode with the checks DESIGN.md §3 asks of tests: states deep-frozen, invariants after every step. */
function checkedNodeReducer(cluster: () => NodeCluster): NodeReducer<NodeState> {
  return {
    initialState: initialNodeState,
    digest: digestNode,
    step: (s, input, env) => {
      const c = cluster();
      const t0 = performance.now();
      const r = stepNode(c.freeze ? deepFreeze(s) : s, input, env);
      c.stepMs += performance.now() - t0;
      if (c.checkInvariants) {
        const broken = nodeInvariants(r.state);
        if (broken.length > 0) throw new Error(`invariants broken after ${input.kind}: ${broken.join('; ')}`);
      }
      return r;
    },
  };
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
