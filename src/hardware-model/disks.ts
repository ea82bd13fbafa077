// The disks of one node: each serves one write at a time; a write goes to the disk of the node that will
// finish it first (a node with several disks spreads its mailbox files over them [ours]).
// Service time = positioned operations × positioning time + bytes / transfer rate (parameters.ts).
import { POSITIONED_OPS_PER_SYNC_WRITE, type DiskSpec } from './parameters.js';

export function writeServiceMs(disk: DiskSpec, bytes: number): number {
  if (disk.kind === 'infinite') return 0;
  return POSITIONED_OPS_PER_SYNC_WRITE * disk.positionMs + bytes / (disk.transferMBps * 1000);
}

export class NodeDisks {
  private readonly busyUntil: Float64Array;
  /** Time each disk spent serving writes (utilisation = busy / elapsed). */
  readonly busyMs: Float64Array;
  writes = 0;

  constructor(readonly specs: readonly DiskSpec[]) {
    this.busyUntil = new Float64Array(specs.length);
    this.busyMs = new Float64Array(specs.length);
  }

  /** Queue a write of `bytes` at `now`; returns when it is durable. A node without disks cannot write. */
  write(now: number, bytes: number): number {
    if (this.specs.length === 0) throw new RangeError('a node without disks cannot persist');
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
    this.writes++;
    return bestDone;
  }

  /** A crash: queued writes are gone (the world drops their completions); the disks are idle from now. */
  crash(now: number): void {
    for (let d = 0; d < this.busyUntil.length; d++) {
      // Work not yet done is not done: take it back out of the busy time.
      if (this.busyUntil[d] > now) this.busyMs[d] -= this.busyUntil[d] - now;
      this.busyUntil[d] = now;
    }
  }

  /** Busy time summed over disks, counting only work done by `t` (a queue may reach past it). */
  busyBy(t: number): number {
    let sum = 0;
    for (let d = 0; d < this.busyMs.length; d++) sum += this.busyMs[d] - Math.max(0, this.busyUntil[d] - t);
    return sum;
  }
}
