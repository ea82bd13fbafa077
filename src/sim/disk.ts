// One node's disk: durable hard state plus writes in flight. A `persist` completes after a latency, in
// issue order (one disk, one queue); only then is the write folded into the durable state with
// applyHardWrite. A crash loses every write still in flight — the world drops their completion events
// because they belong to the dead incarnation — and the next boot reads back `durable`.
//
// Folding is lazy: a completed write is only appended to a log, and the log is folded into the durable
// state when someone reads `durable` or `storedMessages` (a boot, the end-of-run statistics, a checker), or
// when it grows long. The node already holds the same state in memory, so folding every write as it
// completed did the work twice; folding a batch at once also lets the intermediate map copies die young
// instead of being promoted by the GC (issue 2: the bench spent ~8 % of its time here).
import { applyHardWrite, type HardState, type HardWrite } from '../pure/hard-state.js';

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

  constructor(durable: HardState) {
    this.base = durable;
  }

  /** The durable hard state: what the next boot reads back. */
  get durable(): HardState {
    this.fold();
    return this.base;
  }

  /** Messages durably stored here. */
  get storedMessages(): number {
    this.fold();
    return this.storedBase;
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

  /** The write reached the platter: fold it into the durable state. */
  complete(write: HardWrite): void {
    this.inFlight--;
    this.writesDurable++;
    this.log.push(write);
    if (this.log.length >= FOLD_AT) this.fold();
  }

  /** Fold the logged writes into `base`, in order (the same result as folding each as it completed). */
  private fold(): void {
    const log = this.log;
    if (log.length === 0) return;
    let state = this.base;
    let stored = this.storedBase;
    for (const write of log) {
      const after = applyHardWrite(state, write);
      stored += storedDelta(state, after, write);
      state = after;
    }
    this.base = state;
    this.storedBase = stored;
    this.log = [];
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
  }

  /** The machine lost power: writes in flight are gone (their completions are discarded by the world). */
  crash(): void {
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
