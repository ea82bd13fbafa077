// A node's hard state on disk (DESIGN.md §7, docs/runtime-storage.md): an append-only log of checksummed
// HardWrite records with group commit, periodic snapshots that bound the log, and recovery at open.
//
// Invariants:
//  - `append` resolves only after the record's bytes are fdatasync'ed (and the directory fsync'ed when the
//    log file is new). Appends that arrive while a write+fsync runs wait and share the next one.
//  - The log file never holds a partial or rejected record past `goodLength` at the time a later record
//    is acknowledged: a failed write is truncated away (and retried before the next batch if that fails).
//  - base = fold of every log before the current one; pending = the writes of the current log, in order.
//    So fold(base, pending) is the durable state, and a snapshot of `base` at a log switch is exactly
//    "every write of the logs before the new one".
import { open, rename, statfs, unlink, type FileHandle } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { applyHardWrite, type HardState, type HardWrite } from '../../pure/hard-state.js';
import { StorageError, type NodeStorage, type RuntimeLogger, type StorageFailure, type StorageStats } from '../contracts.js';
import { fsyncDir, logName, pathIn, snapshotName } from './files.js';
import { encodeRecord, HEADER_BYTES, RecordType } from './records.js';
import { encodeSnapshot } from './snapshot-codec.js';

export interface LogStorageOptions {
  readonly logger: RuntimeLogger;
  /** Most records written and fsynced together (group commit). */
  readonly maxBatchRecords: number;
  /** Most bytes written and fsynced together. A single larger record is written alone. */
  readonly maxBatchBytes: number;
  /** Largest record payload accepted (a write above it is refused with StorageError('ioError')). */
  readonly maxRecordBytes: number;
  /** Snapshot once the logs since the last snapshot exceed max(this, the last snapshot's size). */
  readonly snapshotEveryBytes: number;
  /**
   * Tests only (named "injected" wherever used): before a batch is written, may ask for the write to stop
   * after `writeBytes` bytes and fail with `error` — a partial write, as a full disk or a failing device
   * produces — so the truncate-and-reject path can be tested where no small file system can be mounted.
   */
  readonly injectWriteFault?: (batchBytes: number) => { readonly writeBytes: number; readonly error: NodeJS.ErrnoException } | undefined;
  /** Called once the storage is closed (releases the data directory's lock). */
  readonly onClose?: () => Promise<void>;
}

/** What recovery hands the writer: where appends continue. */
export interface OpenLog {
  readonly dir: string;
  readonly gen: number;
  readonly fh: FileHandle;
  readonly goodLength: number;
  readonly recovered: HardState;
  /** Fold of the logs before `gen` (the snapshot `gen` would hold). */
  readonly base: HardState;
  /** Writes of log `gen`, in order. */
  readonly pending: HardWrite[];
  /** Bytes of logs since the last snapshot, and that snapshot's size (drive when the next one is due). */
  readonly logBytesSinceSnapshot: number;
  readonly lastSnapshotBytes: number;
  readonly tornRecordsDropped: number;
}

interface Queued {
  readonly buf: Buffer;
  readonly write: HardWrite;
  readonly resolve: () => void;
  readonly reject: (e: StorageError) => void;
}

const RECENT_BATCHES = 64;
const SNAPSHOT_CHUNK_BYTES = 1 << 20;
const FOLD_SLICE = 2000;

export interface LogStorageStats extends StorageStats {
  readonly snapshots: number;
  readonly snapshotFailures: number;
  /** fsync latencies (ms) of the most recent batches, most recent last; bounded. */
  readonly recentFsyncMs: readonly number[];
  readonly logGeneration: number;
}

export function classifyWriteError(e: unknown): StorageFailure {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG' ? 'noSpace' : 'ioError';
}

export class LogStorage implements NodeStorage {
  readonly recovered: HardState;
  onFsync?: (latencyMs: number, batchSize: number) => void;

  private readonly dir: string;
  private readonly opts: LogStorageOptions;
  private fh: FileHandle;
  private gen: number;
  private goodLength: number;
  private base: HardState;
  private pending: HardWrite[];
  private logBytesSinceSnapshot: number;
  private lastSnapshotBytes: number;
  /** A failed write could not be truncated away: truncate before anything else is written. */
  private needsTruncate = false;
  private queue: Queued[] = [];
  private writing = false;
  private closed = false;
  private drained: (() => void)[] = [];
  private compaction: Promise<void> | undefined;
  private abortCompaction = false;
  /** Do not retry a failed snapshot before the logs have grown this much further. */
  private snapshotBackoffBytes = 0;

  private fsyncs = 0;
  private readonly recentBatchSizes: number[] = [];
  private readonly recentFsyncMs: number[] = [];
  private recordsWritten = 0;
  private bytesWritten = 0;
  private readonly tornRecordsDropped: number;
  private failedWrites = 0;
  private snapshots = 0;
  private snapshotFailures = 0;

  constructor(log: OpenLog, opts: LogStorageOptions) {
    this.dir = log.dir;
    this.opts = opts;
    this.fh = log.fh;
    this.gen = log.gen;
    this.goodLength = log.goodLength;
    this.recovered = log.recovered;
    this.base = log.base;
    this.pending = log.pending;
    this.logBytesSinceSnapshot = log.logBytesSinceSnapshot;
    this.lastSnapshotBytes = log.lastSnapshotBytes;
    this.tornRecordsDropped = log.tornRecordsDropped;
  }

  append(write: HardWrite): Promise<void> {
    if (this.closed) return Promise.reject(new StorageError('closed', 'storage is closed'));
    let buf: Buffer;
    try {
      buf = encodeRecord(RecordType.write, JSON.stringify(write));
    } catch (e) {
      return Promise.reject(new StorageError('ioError', `cannot encode a ${write.kind} write: ${(e as Error).message}`));
    }
    if (buf.length - HEADER_BYTES > this.opts.maxRecordBytes) {
      return Promise.reject(new StorageError('ioError', `a ${write.kind} write of ${buf.length - HEADER_BYTES} bytes is above the record limit ${this.opts.maxRecordBytes}`));
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ buf, write, resolve, reject });
      if (!this.writing) void this.writeLoop();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.writing) await new Promise<void>((r) => this.drained.push(r));
    this.abortCompaction = true;
    await this.compaction;
    try {
      await this.fh.datasync();
    } finally {
      await this.fh.close();
      await this.opts.onClose?.();
    }
  }

  stats(): LogStorageStats {
    return {
      fsyncs: this.fsyncs,
      recentBatchSizes: [...this.recentBatchSizes],
      recentFsyncMs: [...this.recentFsyncMs],
      recordsWritten: this.recordsWritten,
      bytesWritten: this.bytesWritten,
      tornRecordsDropped: this.tornRecordsDropped,
      failedWrites: this.failedWrites,
      snapshots: this.snapshots,
      snapshotFailures: this.snapshotFailures,
      logGeneration: this.gen,
    };
  }

  /** Resolves once no snapshot is being written (tests and benchmarks wait for compaction with it). */
  async idle(): Promise<void> {
    while (this.compaction !== undefined || this.writing) {
      if (this.compaction !== undefined) await this.compaction;
      if (this.writing) await new Promise<void>((r) => this.drained.push(r));
    }
  }

  private async writeLoop(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        if (this.snapshotDue()) await this.switchLog();
        await this.writeBatch(this.takeBatch());
      }
    } finally {
      this.writing = false;
      for (const r of this.drained.splice(0)) r();
    }
  }

  private takeBatch(): Queued[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.opts.maxBatchRecords) {
      const len = this.queue[n].buf.length;
      if (n > 0 && bytes + len > this.opts.maxBatchBytes) break;
      bytes += len;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    const data = batch.length === 1 ? batch[0].buf : Buffer.concat(batch.map((q) => q.buf));
    try {
      if (this.needsTruncate) await this.truncateToGood();
      let off = 0;
      const fault = this.opts.injectWriteFault?.(data.length);
      if (fault !== undefined) {
        await this.fh.write(data, 0, Math.min(fault.writeBytes, data.length), this.goodLength);
        throw fault.error;
      }
      while (off < data.length) {
        const { bytesWritten } = await this.fh.write(data, off, data.length - off, this.goodLength + off);
        if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
        off += bytesWritten;
      }
      const t0 = performance.now();
      await this.fh.datasync();
      const ms = performance.now() - t0;
      this.goodLength += data.length;
      this.fsyncs++;
      this.recordsWritten += batch.length;
      this.bytesWritten += data.length;
      this.logBytesSinceSnapshot += data.length;
      pushBounded(this.recentBatchSizes, batch.length);
      pushBounded(this.recentFsyncMs, ms);
      for (const q of batch) this.pending.push(q.write);
      for (const q of batch) q.resolve();
      this.onFsync?.(ms, batch.length);
    } catch (e) {
      const failure = classifyWriteError(e);
      this.failedWrites += batch.length;
      const err = new StorageError(failure, `${failure === 'noSpace' ? 'no space left' : 'write failed'} in ${logName(this.gen)}: ${(e as Error).message}`);
      this.opts.logger.error({ file: pathIn(this.dir, logName(this.gen)), failure, records: batch.length, error: (e as Error).message }, 'storage write failed; batch rejected');
      try {
        await this.truncateToGood();
      } catch (te) {
        this.needsTruncate = true;
        this.opts.logger.error({ file: pathIn(this.dir, logName(this.gen)), error: (te as Error).message }, 'cannot truncate a failed write away; retrying before the next write');
      }
      for (const q of batch) q.reject(err);
    }
  }

  private async truncateToGood(): Promise<void> {
    await this.fh.truncate(this.goodLength);
    await this.fh.datasync();
    this.needsTruncate = false;
  }

  private snapshotDue(): boolean {
    if (this.compaction !== undefined || this.closed) return false;
    return this.logBytesSinceSnapshot >= Math.max(this.opts.snapshotEveryBytes, this.lastSnapshotBytes) + this.snapshotBackoffBytes;
  }

  /**
   * Starts log `gen + 1` (durably: created, directory fsynced) between two batches, then writes the
   * snapshot of everything before it in the background while appends go on to the new log.
   */
  private async switchLog(): Promise<void> {
    const next = this.gen + 1;
    let fh: FileHandle;
    try {
      // A snapshot is at most the size of the last one plus the logs since; writing it must not take the
      // space client writes need (they would fail with noSpace while it runs): skip it when space is short.
      const need = 2 * (this.lastSnapshotBytes + this.logBytesSinceSnapshot);
      const fs = await statfs(this.dir).catch(() => undefined); // unknown free space: go ahead
      const free = fs === undefined ? Infinity : fs.bavail * fs.bsize;
      if (free < need) {
        this.snapshotBackoffBytes += this.opts.snapshotEveryBytes;
        this.opts.logger.warn({ dir: this.dir, freeBytes: free, neededBytes: need }, 'too little free space for a snapshot; the logs are kept');
        return;
      }
      // Only the last log may end in garbage (recovery refuses a bad record in any other file).
      if (this.needsTruncate) await this.truncateToGood();
      fh = await open(pathIn(this.dir, logName(next)), 'w+');
      await fsyncDir(this.dir);
    } catch (e) {
      this.snapshotFailures++;
      this.snapshotBackoffBytes += this.opts.snapshotEveryBytes;
      this.opts.logger.warn({ dir: this.dir, error: (e as Error).message }, 'cannot start a new log for a snapshot; will retry later');
      return;
    }
    const old = this.fh;
    const toFold = this.pending;
    const oldBase = this.base;
    this.fh = fh;
    this.gen = next;
    this.goodLength = 0;
    this.pending = [];
    this.logBytesSinceSnapshot = 0;
    this.abortCompaction = false;
    this.compaction = (async () => {
      try {
        await old.close();
        const state = await foldInSlices(oldBase, toFold);
        this.base = state;
        await this.writeSnapshot(next, state);
      } catch (e) {
        if (this.abortCompaction) {
          this.opts.logger.info({ dir: this.dir, generation: next }, 'snapshot abandoned at close; the logs are replayed at the next open');
        } else {
          this.snapshotFailures++;
          this.snapshotBackoffBytes += this.opts.snapshotEveryBytes;
          this.opts.logger.warn({ dir: this.dir, generation: next, error: (e as Error).message }, 'snapshot failed; the logs are kept and replayed instead');
        }
      } finally {
        this.compaction = undefined;
      }
    })();
  }

  /** tmp file, fsync, rename, fsync dir; then the logs and snapshots it replaces are removed. */
  private async writeSnapshot(gen: number, state: HardState): Promise<void> {
    const final = pathIn(this.dir, snapshotName(gen));
    const tmp = `${final}.tmp`;
    const fh = await open(tmp, 'w');
    let size = 0;
    try {
      let chunk: Buffer[] = [];
      let chunkBytes = 0;
      const flush = async (): Promise<void> => {
        const data = Buffer.concat(chunk);
        chunk = [];
        chunkBytes = 0;
        let off = 0;
        while (off < data.length) off += (await fh.write(data, off, data.length - off, size + off)).bytesWritten;
        size += data.length;
      };
      for (const rec of encodeSnapshot(state)) {
        const buf = encodeRecord(rec.type, rec.payload);
        if (buf.length - HEADER_BYTES > this.opts.maxRecordBytes) throw new Error(`snapshot record of ${buf.length} bytes above the record limit`);
        chunk.push(buf);
        chunkBytes += buf.length;
        if (chunkBytes >= SNAPSHOT_CHUNK_BYTES) {
          await flush();
          if (this.abortCompaction) throw new Error('storage closing');
        }
      }
      await flush();
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fh.close();
    await rename(tmp, final);
    await fsyncDir(this.dir);
    this.snapshots++;
    this.lastSnapshotBytes = size;
    this.snapshotBackoffBytes = 0;
    // Everything before `gen` is in the snapshot now: older logs and snapshots are garbage.
    for (let g = gen - 1; g >= 0; g--) {
      const removedLog = await unlinkIfPresent(pathIn(this.dir, logName(g)));
      const removedSnap = await unlinkIfPresent(pathIn(this.dir, snapshotName(g)));
      if (!removedLog && !removedSnap) break;
    }
    await fsyncDir(this.dir);
    this.opts.logger.info({ dir: this.dir, generation: gen, bytes: size }, 'snapshot written; older logs removed');
  }
}

async function unlinkIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** Folds without holding the event loop for long: appends keep being served while a snapshot is prepared. */
async function foldInSlices(base: HardState, writes: readonly HardWrite[]): Promise<HardState> {
  let state = base;
  for (let i = 0; i < writes.length; i++) {
    state = applyHardWrite(state, writes[i]);
    if (i % FOLD_SLICE === FOLD_SLICE - 1) await yieldToLoop();
  }
  return state;
}

function pushBounded(arr: number[], v: number): void {
  arr.push(v);
  if (arr.length > RECENT_BATCHES) arr.shift();
}
