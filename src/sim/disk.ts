// One node's disk: durable hard state plus writes in flight. A `persist` completes after a latency, in
// issue order (one disk, one queue); only then is the write folded into the durable state with
// applyHardWrite. A crash loses every write still in flight — the world drops their completion events
// because they belong to the dead incarnation — and the next boot reads back `durable`.
//
// Folding is lazy: a completed write is only appended to a log, and the log is folded into the durable
// state when a node boots from it (`readBack`) or when the log grows long. Observers (the trace, the
// statistics, the ack-time holder count) read `durable` and `storedMessages`, which compute the fold into a
// cache and never change `base` or `log`: observing must not change what is observed (issue 13 — a traced run
// used to fold on every event, so a crash that mishandled completed-but-unfolded writes behaved differently,
// and could never show, in a trace). The node already holds the same state in memory, so folding every write as it
// completed did the work twice; folding a batch at once also lets the intermediate map copies die young
// instead of being promoted by the GC (issue 2: the bench spent ~8 % of its time here).
import { applyHardWrite, type HardState, type HardWrite } from '../pure/hard-state.js';

/** Deliberate disk bugs (seeded-bug tests only; the simulator never sets them). */
export interface DiskBugs {
  /** A crash also loses writes that completed (were durable) but were not folded yet. */
  readonly crashDropsUnfoldedWrites?: boolean;
}

/** Log length that forces a fold: bounds the log's memory in long runs nobody reads the disk in. */
const FOLD_AT = 1 << 16;

export class Disk {
  /** Time the last accepted write completes; the next one cannot complete earlier. */
  private lastDoneAt = 0;
  /** Time the disk finishes serving the writes accepted so far (only a disk with a service time is ever busy). */
  private busyUntil = 0;
  /** Writes issued and not yet durable (lost on crash). */
  inFlight = 0;
  /** Durable state up to the writes still in `log`; read it through `durable`. */
  private base: HardState;
  /** Writes completed (durable) and not yet folded into `base`, in completion order. */
  private log: HardWrite[] = [];
  /** Messages in `base` (kept incrementally: counting a 4.8M-user state per event is too slow). */
  private storedBase = 0;
  writesDurable = 0;
  writesLost = 0;
  /**
   * Disk flushes: writes that complete at the same instant share one (the simulator's group commit), so this
   * counts distinct completion times, the simulated analogue of the runtime's fsyncs.
   */
  flushes = 0;

  /** `base` and `log` folded, for observers; valid while `base` is `cache.base` and `log` has `cache.logLength` writes. */
  private cache: { base: HardState; logLength: number; state: HardState; stored: number } | undefined;

  constructor(
    durable: HardState,
    /** Seeded bugs, for test/sim/trace-observes.test.ts only (shows tracing cannot hide them). */
    private readonly bugs: DiskBugs = {},
  ) {
    this.base = durable;
  }

  /** The durable hard state (observing it changes nothing). */
  get durable(): HardState {
    return this.folded().state;
  }

  /** Messages durably stored here (observing it changes nothing). */
  get storedMessages(): number {
    return this.folded().stored;
  }

  /** The durable state a booting node reads back: the log is folded into it for good. */
  readBack(): HardState {
    this.fold();
    return this.base;
  }

  /** Peak of `inFlight`: the most writes this disk ever had queued at once (the paper's load, on the disk). */
  inFlightPeak = 0;

  /**
   * Accept a write at `now`; returns when it will be durable. `latencyMs` is pipelined (writes issued
   * together complete together); `serviceMs` is time the disk is busy with this one write, served one at a
   * time, so a disk with `serviceMs` > 0 completes at most one write per `serviceMs`: a lower service rate,
   * whose backlog grows under load. With `serviceMs` 0 this is the plain latency model.
   */
  schedule(now: number, latencyMs: number, serviceMs = 0): number {
    this.busyUntil = Math.max(this.busyUntil, now) + serviceMs;
    const doneAt = Math.max(this.lastDoneAt, this.busyUntil + latencyMs);
    if (doneAt > this.lastDoneAt || this.flushes === 0) this.flushes++;
    this.lastDoneAt = doneAt;
    if (++this.inFlight > this.inFlightPeak) this.inFlightPeak = this.inFlight;
    return doneAt;
  }

  /**
   * Accept a write whose completion time someone else computed (the hardware model's disks); completions
   * stay in issue order, as with `schedule`.
   */
  scheduleAt(doneAt: number): number {
    this.lastDoneAt = Math.max(this.lastDoneAt, doneAt);
    if (++this.inFlight > this.inFlightPeak) this.inFlightPeak = this.inFlight;
    return this.lastDoneAt;
  }

  /** The write reached the platter: fold it into the durable state. */
  complete(write: HardWrite): void {
    this.inFlight--;
    this.writesDurable++;
    this.log.push(write);
    if (this.log.length >= FOLD_AT) this.fold();
  }

  /** `base` with the logged writes applied in order (the same result as folding each as it completed). */
  private folded(): { state: HardState; stored: number } {
    const log = this.log;
    const c = this.cache;
    if (c !== undefined && c.base === this.base && c.logLength === log.length) return c;
    // Extend a cache of a prefix of the same log (the log only grows between folds), else start at `base`.
    const from = c !== undefined && c.base === this.base && c.logLength < log.length ? c : { state: this.base, stored: this.storedBase, logLength: 0 };
    let state = from.state;
    let stored = from.stored;
    for (let i = from.logLength; i < log.length; i++) {
      const after = applyHardWrite(state, log[i]);
      stored += storedDelta(state, after, log[i]);
      state = after;
    }
    this.cache = { base: this.base, logLength: log.length, state, stored };
    return this.cache;
  }

  /** Fold the logged writes into `base` for good. */
  private fold(): void {
    if (this.log.length === 0) return;
    const { state, stored } = this.folded();
    this.base = state;
    this.storedBase = stored;
    this.log = [];
    this.cache = undefined;
  }

  /**
   * Permanent disk loss (the node must be down): everything durable is gone, the next boot starts from
   * `blank` (the simulator passes the bulk-provisioned user directory, which stands for a directory imported
   * from elsewhere, not for state the node wrote).
   */
  wipe(blank: HardState): void {
    this.base = blank;
    this.log = [];
    this.storedBase = 0;
    this.cache = undefined;
  }

  /** The machine lost power: writes in flight are gone (their completions are discarded by the world). */
  crash(): void {
    if (this.bugs.crashDropsUnfoldedWrites === true) {
      this.writesLost += this.log.length;
      this.log = [];
      this.cache = undefined;
    }
    this.writesLost += this.inFlight;
    this.inFlight = 0;
    this.lastDoneAt = 0;
    this.busyUntil = 0;
  }
}

/**
 * How many messages `write` added to (or removed from) the durable state. Cheap because applyHardWrite is
 * idempotent and returns the very same fragments object when a store changes nothing.
 */
function storedDelta(before: HardState, after: HardState, write: HardWrite): number {
  switch (write.kind) {
    case 'storeMessage':
      return before.fragments === after.fragments ? 0 : 1;
    case 'deleteMessages':
      return (after.fragments.get(write.user)?.size ?? 0) - (before.fragments.get(write.user)?.size ?? 0);
    case 'incarnation':
    case 'setProfile':
    case 'provisionUsers':
      return 0;
    case 'replication': {
      // A replicated message copy or tombstone (replication/views.ts keeps fragments as a view).
      const w = write.write;
      if (w.kind !== 'replPut' || w.object.value.kind === 'profile') return 0;
      const user = w.object.value.user;
      return (after.fragments.get(user)?.size ?? 0) - (before.fragments.get(user)?.size ?? 0);
    }
  }
}
