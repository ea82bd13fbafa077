// The node driver (DESIGN.md §7): runs the pure node reducer (`stepNode`) on real inputs, one step at a time,
// and carries out its effects: `send` → transport, `persist` → storage (then `persisted`, or `persistFailed`
// on a StorageError), `reply` → the front end's pending request, timers → real timers, `checkPassword` →
// scrypt on the libuv pool, `trace` → an optional NDJSON trace. It is also the front ends' NodeGateway.
//
// Steps are serialised: an input that arrives while a step runs (a callback of an effect) waits in the inbox
// and runs right after, so the reducer sees one input at a time, as in the simulator.
import { randomBytes } from 'node:crypto';
import type { ClientReply, ClientRequest, Effect, Input, NodeConfig } from '../pure/io.js';
import { initialNodeState, stepNode, type NodeState } from '../pure/node.js';
import type { Env, NodeId, SessionId } from '../pure/types.js';
import { StorageError, type NodeGateway, type NodeStorage, type RuntimeLogger } from './contracts.js';
import type { Message } from '../pure/messages.js';
import { PasswordChecker } from './password.js';
import { unavailableReply } from './replies.js';

/** What the driver reports to metrics and traces; every hook is optional. */
export interface DriverHooks {
  onEffect?(e: Effect): void;
  onInput?(input: Input): void;
  /** A trace effect, with the driver's event number and time (NDJSON trace file, metrics). */
  onTrace?(action: string, args: Readonly<Record<string, unknown>>, now: number): void;
}

export interface DriverOptions {
  readonly self: NodeId;
  readonly config: NodeConfig;
  readonly storage: NodeStorage;
  /** Opens the node's storage again (a reboot after a failed write re-reads what is durable). */
  readonly reopenStorage: () => Promise<NodeStorage>;
  readonly log: RuntimeLogger;
  readonly hooks?: DriverHooks;
  readonly passwords?: PasswordChecker;
  /** A front-end request the reducer has not answered after this long gets a temporary failure (a safety net). */
  readonly requestTimeoutMs?: number;
  /** How often a node whose disk refused a write probes it before rebooting from disk. */
  readonly diskProbeMs?: number;
}

interface Waiting {
  readonly request: ClientRequest;
  readonly resolve: (r: ClientReply) => void;
  readonly timer: NodeJS.Timeout;
}

/** 32-bit entropy from the OS CSPRNG, drawn in blocks (one syscall per 1024 steps, not per step). */
class Entropy {
  private buf = randomBytes(4096);
  private at = 0;
  next(): number {
    if (this.at + 4 > this.buf.length) {
      this.buf = randomBytes(4096);
      this.at = 0;
    }
    const v = this.buf.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
}

export class NodeDriver implements NodeGateway {
  private state: NodeState = initialNodeState();
  private readonly inbox: Input[] = [];
  private stepping = false;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly waiting = new Map<SessionId, Waiting>();
  private readonly entropy = new Entropy();
  private readonly passwords: PasswordChecker;
  private sessionCounter = 0;
  /** Bumped by every (re)boot: completions of an older generation (writes, timers, checks) are dropped. */
  private generation = 0;
  private storage: NodeStorage;
  private sendFn: (to: NodeId, message: Message) => void = () => {};
  private writesInFlight = 0;
  private stopping = false;
  /** Set when a write failed: memory is ahead of the disk until the node reboots from it. */
  private diskFailed = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private rebooting = false;
  /** When the last reboot from disk happened, and the probe delay now (doubles while reboots do not help). */
  private lastRebootAt = 0;
  private probeDelayMs = 0;
  readonly counters = { steps: 0, reboots: 0, persistFailures: 0 };

  constructor(private readonly opts: DriverOptions) {
    this.storage = opts.storage;
    this.passwords = opts.passwords ?? new PasswordChecker();
  }

  /** The transport's send: bound after the transport starts (it needs the driver as its inbound sink). */
  attachSend(send: (to: NodeId, message: Message) => void): void {
    this.sendFn = send;
  }

  get nodeState(): NodeState {
    return this.state;
  }

  get currentStorage(): NodeStorage {
    return this.storage;
  }

  /** Boots the reducer from what the storage recovered. */
  boot(): void {
    this.generation++;
    this.enqueue({ kind: 'boot', self: this.opts.self, hard: this.storage.recovered, config: this.opts.config });
  }

  /** A message from a peer (the transport authenticated it). */
  deliver(from: NodeId, message: Message): void {
    if (this.stopping || this.rebooting) return; // the network may lose messages; the reducer retries
    this.enqueue({ kind: 'message', from, message });
  }

  // ---- NodeGateway ----

  openSession(protocol: 'smtp' | 'pop3', remoteAddress: string): SessionId {
    void remoteAddress;
    return `${protocol === 'smtp' ? 's' : 'p'}${++this.sessionCounter}`;
  }

  request(session: SessionId, request: ClientRequest): Promise<ClientReply> {
    if (this.stopping || this.rebooting) return Promise.resolve(unavailableReply(request, this.stopping ? 'shutting down' : 'restarting'));
    const prior = this.waiting.get(session);
    if (prior !== undefined) return Promise.resolve(unavailableReply(request, 'another command is in progress'));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiting.get(session)?.timer !== timer) return;
        this.waiting.delete(session);
        this.opts.log.warn({ session, request: request.kind }, 'request unanswered: temporary failure');
        resolve(unavailableReply(request, 'timed out'));
      }, this.opts.requestTimeoutMs ?? 60_000);
      this.waiting.set(session, { request, resolve, timer });
      this.enqueue({ kind: 'client', session, request });
    });
  }

  endSession(session: SessionId): void {
    const w = this.waiting.get(session);
    if (w !== undefined) {
      clearTimeout(w.timer);
      this.waiting.delete(session);
      w.resolve(unavailableReply(w.request, 'session closed'));
    }
    if (!this.rebooting && this.state.self !== undefined) this.enqueue({ kind: 'client', session, request: { kind: 'sessionEnd' } });
  }

  // ---- stepping ----

  private enqueue(input: Input): void {
    this.inbox.push(input);
    if (this.stepping) return;
    this.stepping = true;
    try {
      // An index, not shift(): an inbox that grows within a burst stays O(1) per input.
      for (let i = 0; i < this.inbox.length; i++) this.stepOnce(this.inbox[i]);
    } finally {
      this.inbox.length = 0;
      this.stepping = false;
    }
  }

  private stepOnce(input: Input): void {
    const env: Env = { now: Date.now(), entropy: this.entropy.next() };
    this.opts.hooks?.onInput?.(input);
    let r;
    try {
      r = stepNode(this.state, input, env);
    } catch (err) {
      // A reducer exception is a bug; the node cannot trust its state any more. Crash loudly: the supervisor
      // (systemd, `porcupine cluster`) restarts it from the disk, which holds every acknowledged write.
      this.opts.log.error({ input: input.kind, err: err instanceof Error ? (err.stack ?? err.message) : String(err) }, 'reducer threw: exiting');
      process.exit(70);
    }
    this.state = r.state;
    this.counters.steps++;
    for (const e of r.effects) this.apply(e, env.now);
  }

  private apply(e: Effect, now: number): void {
    this.opts.hooks?.onEffect?.(e);
    switch (e.kind) {
      case 'send':
        if (e.to === this.opts.self) this.enqueue({ kind: 'message', from: this.opts.self, message: e.message });
        else this.sendFn(e.to, e.message);
        return;
      case 'persist':
        return this.persist(e.id, e.write);
      case 'reply': {
        const w = this.waiting.get(e.session);
        if (w === undefined) return; // the session ended meanwhile
        clearTimeout(w.timer);
        this.waiting.delete(e.session);
        w.resolve(e.reply);
        return;
      }
      case 'setTimer': {
        const old = this.timers.get(e.timer);
        if (old !== undefined) clearTimeout(old);
        const gen = this.generation;
        const key = e.timer;
        this.timers.set(key, setTimeout(() => {
          this.timers.delete(key);
          if (gen === this.generation && !this.stopping) this.enqueue({ kind: 'timer', timer: key });
        }, Math.max(0, e.afterMs)));
        return;
      }
      case 'cancelTimer': {
        const t = this.timers.get(e.timer);
        if (t !== undefined) clearTimeout(t);
        this.timers.delete(e.timer);
        return;
      }
      case 'checkPassword': {
        const gen = this.generation;
        this.passwords.check(e.password, e.verifier).then(
          (ok) => gen === this.generation && this.enqueue({ kind: 'passwordChecked', id: e.id, ok }),
          () => gen === this.generation && this.enqueue({ kind: 'passwordChecked', id: e.id, ok: false }),
        );
        return;
      }
      case 'trace':
        this.opts.hooks?.onTrace?.(e.action, e.args, now);
        return;
    }
  }

  private persist(id: number, write: Parameters<NodeStorage['append']>[0]): void {
    const gen = this.generation;
    this.writesInFlight++;
    this.storage.append(write).then(
      () => {
        this.writesInFlight--;
        if (gen === this.generation) this.enqueue({ kind: 'persisted', id });
      },
      (err: unknown) => {
        this.writesInFlight--;
        if (gen !== this.generation) return;
        const reason = err instanceof StorageError ? err.failure : 'ioError';
        this.counters.persistFailures++;
        this.opts.log.warn({ id, write: write.kind, reason, err: err instanceof Error ? err.message : String(err) }, 'durable write failed');
        this.enqueue({ kind: 'persistFailed', id, reason });
        if (reason !== 'closed') this.onDiskFailure();
      },
    );
  }

  /**
   * A write failed: memory holds writes the disk does not (docs/decisions.md "A failed durable write"). The
   * node keeps serving (new writes fail with 452 while the disk is full) and probes the disk; once a write
   * succeeds again it reboots from the disk, so what it serves is again exactly what is durable.
   */
  private onDiskFailure(): void {
    if (this.diskFailed) return;
    this.diskFailed = true;
    // A small probe write can succeed while larger writes still fail (a nearly full disk): when a write fails
    // again soon after a reboot, wait twice as long before the next one (1 s, 2 s, 4 s, … 30 s).
    const base = this.opts.diskProbeMs ?? 1000;
    this.probeDelayMs = Date.now() - this.lastRebootAt < 30_000 ? Math.min(30_000, Math.max(base, this.probeDelayMs * 2)) : base;
    const probe = (): void => {
      this.probeTimer = setTimeout(() => {
        if (this.stopping) return;
        // Idempotent and harmless: applying an incarnation that is not newer changes nothing.
        this.storage.append({ kind: 'incarnation', incarnation: 0 }).then(
          () => void this.rebootFromDisk(),
          () => probe(),
        );
      }, this.probeDelayMs);
    };
    probe();
  }

  private async rebootFromDisk(): Promise<void> {
    if (this.stopping || this.rebooting) return;
    this.rebooting = true;
    this.opts.log.info({ incarnation: this.state.incarnation }, 'disk writable again: rebooting from disk');
    this.generation++;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const [session, w] of this.waiting) {
      clearTimeout(w.timer);
      w.resolve(unavailableReply(w.request, 'restarting'));
      this.waiting.delete(session);
    }
    try {
      await this.storage.close();
      this.storage = await this.opts.reopenStorage();
      this.state = initialNodeState();
      this.diskFailed = false;
      this.counters.reboots++;
      this.lastRebootAt = Date.now();
      this.rebooting = false;
      this.boot();
    } catch (err) {
      this.rebooting = false;
      this.opts.log.error({ err: err instanceof Error ? err.message : String(err) }, 'reboot from disk failed: exiting');
      process.exit(75); // EX_TEMPFAIL: the supervisor restarts the process
    }
  }

  /** Graceful stop: no new inputs, pending requests answered "shutting down", in-flight writes finished. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    const deadline = Date.now() + 10_000;
    while (this.writesInFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    for (const [session, w] of this.waiting) {
      clearTimeout(w.timer);
      w.resolve(unavailableReply(w.request, 'shutting down'));
      this.waiting.delete(session);
    }
    await this.storage.close();
  }
}
