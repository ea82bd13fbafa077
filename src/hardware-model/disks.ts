// The disks of one node: each serves one write at a time; a write goes to the disk of the node that will
// finish it first (a node with several disks spreads its mailbox files over them [ours]).
// Service time = positioned operations (the fsync's data, inode and directory blocks) × (seek + half a
// rotation) + bytes / transfer rate (parameters.ts).
import { POSITIONED_OPS_PER_SYNC_WRITE, positionMs, type DiskSpec } from './parameters.js';

export function writeServiceMs(disk: DiskSpec, bytes: number): number {
  if (disk.kind === 'infinite') return 0;
  return POSITIONED_OPS_PER_SYNC_WRITE * positionMs(disk) + bytes / (disk.transferMBps * 1000);
}

export class NodeDisks {
  private readonly busyUntil: Float64Array;
  /** Time each disk spent serving writes (utilisation = busy / elapsed). */
  readonly busyMs: Float64Array;
  /** Durable writes (the reducer's persists). */
  writes = 0;
  /** Synchronous commits: a group of writes issued at one instant shares one (group commit). */
  syncs = 0;
  /** The disk and the instant of the last group, so that writes issued with it can join it. */
  private lastDisk = -1;
  private lastAt = -1;

  constructor(readonly specs: readonly DiskSpec[]) {
    this.busyUntil = new Float64Array(specs.length);
    this.busyMs = new Float64Array(specs.length);
  }

  /**
   * Queue a write of `bytes` at `now`; returns when it is durable. Writes the node issues at the same
   * instant (one reducer step's persists) are one group commit: appended to one log and synced once, so
   * only the first pays the positioning (the effect contract lets the disk merge later writes, io.ts).
   * A node without disks cannot write.
   */
  write(now: number, bytes: number): number {
    if (this.specs.length === 0) throw new RangeError('a node without disks cannot persist');
    this.writes++;
    if (now === this.lastAt && this.lastDisk >= 0) {
      const d = this.lastDisk;
      const spec = this.specs[d];
      const extra = spec.kind === 'infinite' ? 0 : bytes / (spec.transferMBps * 1000);
      this.busyUntil[d] += extra;
      this.busyMs[d] += extra;
      return this.busyUntil[d];
    }
    let best = 0;
    let bestDone = Infinity;
    let bestSvc = 0;
    for (let d = 0; d < this.specs.length; d++) {
      const svc = writeServiceMs(this.specs[d], bytes);
      const done = Math.max(now, this.busyUntil[d]) + svc;
      if (done < bestDone) {
        best = d;
        bestDone = done;
        bestSvc = svc;
      }
    }
    this.busyUntil[best] = bestDone;
    this.busyMs[best] += bestSvc;
    this.syncs++;
    this.lastDisk = best;
    this.lastAt = now;
    return bestDone;
  }

  /** A crash: queued writes are gone (the world drops their completions); the disks are idle from now. */
  crash(now: number): void {
    for (let d = 0; d < this.busyUntil.length; d++) {
      // Work not yet done is not done: take it back out of the busy time.
      if (this.busyUntil[d] > now) this.busyMs[d] -= this.busyUntil[d] - now;
      this.busyUntil[d] = now;
    }
    this.lastDisk = -1;
  }

  /** Busy time summed over disks, counting only work done by `t` (a queue may reach past it). */
  busyBy(t: number): number {
    let sum = 0;
    for (let d = 0; d < this.busyMs.length; d++) sum += this.busyMs[d] - Math.max(0, this.busyUntil[d] - t);
    return sum;
  }
}
