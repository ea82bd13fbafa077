// The clients: SMTP deliveries to Zipf- or uniformly-chosen users through random entry nodes, POP sessions
// (USER/PASS, LIST, RETR, DELE, QUIT), and the heal phase's final check (every touched user listed and
// retrieved from every node). Each session is a small state machine advanced by the node's replies; every
// request, reply and outcome goes into the History the checkers read.
import type { ClientReply, ClientRequest } from '../pure/io.js';
import type { SessionId, UserId } from '../pure/types.js';
import { userName, type WorkloadConfig } from './config.js';
import type { ClientOp, History } from './history.js';
import type { Prng } from './prng.js';
import type { World } from './world.js';
import { ZipfSampler } from './zipf.js';
import { onPopReply, startPop, type PopSession } from './pop-client.js';
import { onSmtpReply, startSmtp, type OfferedMessage, type SmtpSession } from './smtp-client.js';

export type Session = SmtpSession | PopSession;

/** The parts of a session every client shares. */
export interface SessionBase {
  readonly id: SessionId;
  readonly node: number;
  /** The request awaiting its reply (undefined when none is outstanding or ops are not recorded). */
  op: ClientOp | undefined;
  /** Virtual time the outstanding request was sent (for the client timeout); −1 when none. */
  sentAt: number;
}

/** Choices the hardware model makes (src/hardware-model); absent = the simulator's own workload. */
export interface WorkloadOptions {
  /** Body size of each message in bytes (default uniform in [mean/2, 3·mean/2), WorkloadConfig.bodyBytesMean). */
  readonly bodyBytes?: (rng: Prng) => number;
  /**
   * Closed loop: keep this many client sessions (or SMTP retries waiting) going at all times, each starting
   * the next as soon as it ends, instead of arrivals at `arrivalIntervalMs` ("the cluster saturated").
   */
  readonly clients?: number;
}

export class Workload {
  readonly sessions = new Map<SessionId, Session>();
  /** Nodes that left the cluster for good: their disks no longer count as holding copies (set by the driver). */
  left: ReadonlySet<number> = new Set();
  private nextSession = 0;
  private offered = 0;
  private arrivalsDone = false;
  private retriesPending = 0;
  /** After the fault phase's drain bound: no more retries. */
  private stopped = false;
  private sweepScheduled = false;
  private readonly zipf: ZipfSampler | undefined;
  private readonly popBusy = new Set<UserId>();
  /** Final check: user → index of the node it is being checked at. */
  private readonly finalChecking = new Map<UserId, number>();
  private readonly fillerBase: string;
  /** Bound once: an arrival is scheduled per session, and a fresh closure each time is garbage. */
  private readonly arriveFn = (): void => this.arrive();
  private readonly clients: number;
  private refillScheduled = false;
  private readonly refillFn = (): void => this.refill();

  constructor(
    readonly world: World<unknown>,
    readonly config: WorkloadConfig,
    readonly history: History,
    readonly rng: Prng,
    private readonly users: number,
    private readonly messages: number,
    private readonly seed: number,
    private readonly options: WorkloadOptions = {},
  ) {
    this.clients = options.clients ?? 0;
    this.zipf = config.distribution === 'zipf' ? new ZipfSampler(users, config.zipfExponent) : undefined;
    // The model's size distribution has a tail to 1 MB: the filler must be long enough for its largest body.
    const longest = options.bodyBytes !== undefined ? 1 << 20 : config.bodyBytesMean * 2;
    this.fillerBase = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(longest / 36) + 2);
  }

  /** Start arrivals at `t`; the fault phase ends when `done()` holds. */
  start(t: number): void {
    if (this.messages === 0) this.arrivalsDone = true;
    else if (this.clients > 0) this.world.at(t, this.refillFn);
    else this.world.at(t, this.arriveFn);
  }

  /** Every message offered, every session closed, no retry waiting. */
  done(): boolean {
    return this.arrivalsDone && this.sessions.size === 0 && this.retriesPending === 0;
  }

  /** Every message has been offered (retries may still be pending). */
  arrivalsFinished(): boolean {
    return this.arrivalsDone;
  }

  /** Stop retrying and abandon open sessions (end of the fault phase's drain bound). */
  abandon(): void {
    this.stopped = true;
    for (const s of [...this.sessions.values()]) this.giveUp(s, 'timedOut');
  }

  onReply(node: number, sessionId: SessionId, reply: ClientReply): void {
    const s = this.sessions.get(sessionId);
    if (s === undefined || s.node !== node || s.sentAt < 0) {
      this.history.counters.strayReplies++;
      return;
    }
    this.history.counters.replies++;
    if (s.op !== undefined) {
      s.op.reply = reply;
      s.op.repliedAt = this.world.now;
      s.op.outcome = 'replied';
      s.op = undefined;
    }
    s.sentAt = -1;
    if (s.kind === 'smtp') onSmtpReply(this, s, reply);
    else onPopReply(this, s, reply);
  }

  /** A node crashed: its sessions' connections broke. */
  onNodeDown(node: number): void {
    for (const s of [...this.sessions.values()]) if (s.node === node) this.giveUp(s, 'aborted');
  }

  // ---- used by the session modules ----

  /** Open a session at a random live entry node; undefined when every node is down. */
  openSession(): { id: SessionId; node: number } | undefined {
    const nodes = this.world.nodes;
    const first = this.rng.int(nodes.length);
    for (let k = 0; k < nodes.length; k++) {
      const node = (first + k) % nodes.length;
      if (nodes[node].up) return { id: `c${this.nextSession++}`, node };
    }
    this.history.counters.refused++;
    return undefined;
  }

  openSessionAt(node: number): { id: SessionId; node: number } | undefined {
    if (!this.world.nodes[node].up) {
      this.history.counters.refused++;
      return undefined;
    }
    return { id: `c${this.nextSession++}`, node };
  }

  send(s: Session, request: ClientRequest): void {
    const h = this.history;
    h.counters.requests++;
    const now = this.world.now;
    if (h.recordOps) {
      s.op = { session: s.id, node: this.world.nodes[s.node].id, request, sentAt: now, outcome: 'pending' };
      h.ops.push(s.op);
    }
    s.sentAt = now;
    if (!this.sweepScheduled && this.config.clientTimeoutMs > 0) {
      this.sweepScheduled = true;
      this.world.at(now + this.config.clientTimeoutMs, () => this.sweepTimeouts());
    }
    this.world.clientRequest(s.node, { kind: 'client', session: s.id, request });
  }

  /** Close a session normally: the connection ends (the node forgets the session). */
  close(s: Session): void {
    this.sessions.delete(s.id);
    this.scheduleRefill();
    this.world.clientRequest(s.node, { kind: 'client', session: s.id, request: { kind: 'sessionEnd' } });
    if (s.kind === 'pop') s.onClosed(s);
  }

  retryLater(msg: OfferedMessage): void {
    if (this.stopped || msg.attempts >= this.config.smtpAttemptsMax) {
      this.history.counters.failed++;
      this.scheduleRefill();
      return;
    }
    this.retriesPending++;
    this.world.at(this.world.now + this.config.smtpRetryDelayMs, () => {
      this.retriesPending--;
      startSmtp(this, msg);
    });
  }

  // ---- arrivals ----

  /**
   * Closed loop: top the clients up once the current instant's replies are handled (a session that ends
   * with a retry keeps its client busy: the retry is counted before the refill runs).
   */
  private scheduleRefill(): void {
    if (this.clients === 0 || this.refillScheduled) return;
    this.refillScheduled = true;
    this.world.at(this.world.now, this.refillFn);
  }

  private refill(): void {
    this.refillScheduled = false;
    // Bounded: each pass offers a message or opens a POP session (a busy maildrop falls back to a message).
    while (!this.stopped && !this.arrivalsDone && this.sessions.size + this.retriesPending < this.clients) {
      if (!this.rng.chance(this.config.popFraction) || !this.startRandomPop()) this.offerMessage();
      if (this.offered >= this.messages) this.arrivalsDone = true;
    }
  }

  private arrive(): void {
    if (this.rng.chance(this.config.popFraction)) this.startRandomPop();
    else this.offerMessage();
    if (this.offered >= this.messages) {
      this.arrivalsDone = true;
      return;
    }
    const mean = this.config.arrivalIntervalMs;
    const dt = mean > 0 ? -Math.log(1 - this.rng.nextFloat()) * mean : 0;
    this.world.at(this.world.now + dt, this.arriveFn);
  }

  private offerMessage(): void {
    const k = this.offered++;
    const index = this.pickUser();
    const user = userName(index);
    this.history.markTouched(index);
    this.history.counters.messagesOffered++;
    // A reused Message-ID (workload.messageIdReuse) names an earlier message; the body (Subject: message k) differs.
    const reuse = this.config.messageIdReuse ?? 0;
    const idOf = reuse > 0 && k > 0 && this.rng.nextFloat() < reuse ? this.rng.int(k) : k;
    const clientMsgId = `<${idOf}.${this.seed}@sim.porcupine>`;
    startSmtp(this, { k, user, clientMsgId, body: this.makeBody(k, user, clientMsgId), attempts: 0 });
  }

  /** False when no session started (the maildrop is locked, or every node is down). */
  private startRandomPop(): boolean {
    const user = userName(this.pickUser());
    if (this.popBusy.has(user)) return false; // one POP session per maildrop at a time (RFC 1939 §8 lock)
    const opened = this.openSession();
    if (opened === undefined) return false;
    this.popBusy.add(user);
    this.history.counters.popSessions++;
    startPop(this, opened, user, false, (s) => this.popBusy.delete(s.user));
    return true;
  }

  private pickUser(): number {
    return this.zipf !== undefined ? this.zipf.sample(this.rng) - 1 : this.rng.int(this.users);
  }

  private makeBody(k: number, user: UserId, clientMsgId: string): string {
    const mean = this.config.bodyBytesMean;
    const size = this.options.bodyBytes !== undefined ? this.options.bodyBytes(this.rng) : Math.floor(mean / 2 + this.rng.nextFloat() * mean);
    const head = `Message-ID: ${clientMsgId}\r\nFrom: sender${k % 97}@example.org\r\nTo: ${user}@porcupine\r\nSubject: message ${k}\r\n\r\n`;
    const start = k % 36;
    return head + this.fillerBase.slice(start, start + Math.max(0, size - head.length)) + '\r\n';
  }

  // ---- final check ----

  /** List and retrieve each user's mail from every node, `concurrency` users at a time; then `onDone`. */
  finalCheck(users: readonly UserId[], concurrency: number, onDone: () => void, onUserDone: () => void = () => {}): void {
    let nextUser = 0;
    let running = 0;
    const startUser = (): void => {
      if (nextUser >= users.length) {
        if (running === 0) onDone();
        return;
      }
      const user = users[nextUser++];
      running++;
      this.checkUserAt(user, 0, () => {
        running--;
        this.finalChecking.delete(user);
        onUserDone();
        startUser();
      });
    };
    if (users.length === 0) return onDone();
    for (let i = 0; i < Math.min(concurrency, users.length); i++) startUser();
  }

  /** Users the final check is still checking, each with the node it is at ("user5 at n3"), in user order. */
  finalCheckInProgress(): string[] {
    return [...this.finalChecking.entries()].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true })).map(([u, n]) => `${u} at ${this.world.nodes[n]?.id ?? `node #${n}`}`);
  }

  private checkUserAt(user: UserId, node: number, next: () => void): void {
    this.finalChecking.set(user, node);
    if (node >= this.world.nodes.length) return next();
    const opened = this.openSessionAt(node);
    if (opened === undefined) return this.checkUserAt(user, node + 1, next);
    startPop(this, opened, user, true, () => this.checkUserAt(user, node + 1, next));
  }

  // ---- giving up ----

  private sweepTimeouts(): void {
    const limit = this.world.now - this.config.clientTimeoutMs;
    for (const s of [...this.sessions.values()]) if (s.sentAt >= 0 && s.sentAt <= limit) this.giveUp(s, 'timedOut');
    this.sweepScheduled = this.sessions.size > 0;
    if (this.sweepScheduled) this.world.at(this.world.now + this.config.clientTimeoutMs / 2, () => this.sweepTimeouts());
  }

  private giveUp(s: Session, why: 'aborted' | 'timedOut'): void {
    if (s.op !== undefined) s.op.outcome = why;
    if (why === 'aborted') this.history.counters.aborted++;
    else this.history.counters.timeouts++;
    if (why === 'timedOut' && this.world.nodes[s.node].up) {
      // The client hangs up; the node must forget the session.
      this.world.clientRequest(s.node, { kind: 'client', session: s.id, request: { kind: 'sessionEnd' } });
    }
    this.sessions.delete(s.id);
    this.scheduleRefill();
    if (s.kind === 'smtp') this.retryLater(s.msg);
    else s.onBroken(s);
  }
}
