// openStorage: recovery at open (docs/runtime-storage.md "Recovery") and the LogStorage that appends.
//
// Recovery rules:
//  - the newest snapshot `snapshot-k` is read in full; a bad record in it is corruption (it was renamed
//    into place only after it was complete and fsynced);
//  - then logs k, k+1, … are replayed in order; they must be contiguous. A bad record in any log but the
//    last is corruption; in the last log, garbage up to the end that holds no good record is a torn tail
//    (an append cut short, never acknowledged): the file is truncated to its last good record, fsynced,
//    and the drop is logged; a bad record followed by good ones is corruption;
//  - corruption refuses to open with a StorageCorruptError naming the file and offset: acknowledged
//    data is never dropped silently;
//  - leftovers of an interrupted snapshot (`*.tmp`) and files older than snapshot k are removed.
import { readFileSync } from 'node:fs';
import { mkdir, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { applyHardWrite, emptyHardState, type HardState, type HardWrite } from '../../pure/hard-state.js';
import type { RuntimeLogger } from '../contracts.js';
import { fsyncDir, listDir, logName, pathIn, snapshotName } from './files.js';
import { classifyWriteError, LogStorage, type LogStorageOptions } from './log-storage.js';
import { RecordType } from './records.js';
import { scanFile } from './scan.js';
import { SnapshotDecoder } from './snapshot-codec.js';

export { LogStorage, type LogStorageStats } from './log-storage.js';

export type StorageLogger = RuntimeLogger;

export interface StorageOptions {
  logger?: StorageLogger;
  /** Most records one group commit writes and fsyncs together (default 4096). */
  maxBatchRecords?: number;
  /** Most bytes one group commit writes together (default 16 MiB; a larger single record goes alone). */
  maxBatchBytes?: number;
  /** Largest record accepted, in bytes of JSON (default 64 MiB: a write can carry a whole mail body). */
  maxRecordBytes?: number;
  /** Write a snapshot and drop older logs once the logs since the last one exceed this (default 64 MiB). */
  snapshotEveryBytes?: number;
  /** Tests only: see LogStorageOptions.injectWriteFault. */
  injectWriteFault?: LogStorageOptions['injectWriteFault'];
}

/** The data directory holds a record that is bad and not a torn tail: opening would drop acknowledged data. */
export class StorageCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(`storage corrupt: ${file} at offset ${offset}: ${detail}; refusing to start (restore the data directory or remove it to rejoin empty)`);
    this.name = 'StorageCorruptError';
  }
}

export const silentLogger: StorageLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const LOCK = 'LOCK';

export async function openStorage(dir: string, options: StorageOptions = {}): Promise<LogStorage> {
  const logger = options.logger ?? silentLogger;
  const opts = {
    logger,
    maxBatchRecords: positive(options.maxBatchRecords, 4096, 'maxBatchRecords'),
    maxBatchBytes: positive(options.maxBatchBytes, 16 << 20, 'maxBatchBytes'),
    maxRecordBytes: positive(options.maxRecordBytes, 64 << 20, 'maxRecordBytes'),
    snapshotEveryBytes: positive(options.snapshotEveryBytes, 64 << 20, 'snapshotEveryBytes'),
    injectWriteFault: options.injectWriteFault,
  };
  const abs = resolve(dir);
  await mkdir(abs, { recursive: true });
  await fsyncDir(dirname(abs)).catch(() => undefined); // the data dir's own name (best effort: the parent may be read-only)
  await takeLock(abs, logger);
  try {
    const limits = { maxPayloadBytes: opts.maxRecordBytes, maxTailBytes: opts.maxBatchBytes + opts.maxRecordBytes + 64 };
    const listing = await listDir(abs);
    for (const t of listing.temps) await unlink(pathIn(abs, t));

    // The newest snapshot: state of every log before it.
    const snapGen = listing.snapshots.length > 0 ? listing.snapshots[listing.snapshots.length - 1] : undefined;
    let base: HardState = emptyHardState();
    let lastSnapshotBytes = 0;
    if (snapGen !== undefined) {
      const file = pathIn(abs, snapshotName(snapGen));
      const dec = new SnapshotDecoder();
      const r = await scanFile(file, { ...limits, maxTailBytes: 0 }, (rec, offset) => {
        try {
          dec.take(rec.type, rec.payload);
        } catch (e) {
          throw new StorageCorruptError(file, offset, (e as Error).message);
        }
      });
      if (r.end.kind !== 'clean') throw new StorageCorruptError(file, r.end.offset, r.end.detail);
      if (!dec.complete) throw new StorageCorruptError(file, r.goodLength, 'snapshot has no root record');
      base = dec.root as HardState;
      lastSnapshotBytes = r.goodLength;
    }
    const first = snapGen ?? 0;
    const logs = listing.logs.filter((g) => g >= first);
    logs.forEach((g, i) => {
      if (g !== first + i) throw new StorageCorruptError(pathIn(abs, logName(first + i)), 0, `log file missing (found ${logs.map(logName).join(', ')})`);
    });

    // Replay the logs; the last one is where appends continue.
    let state = base;
    let pending: HardWrite[] = [];
    let logBytes = 0;
    let goodLength = 0;
    let torn = 0;
    for (const g of logs) {
      const file = pathIn(abs, logName(g));
      const isLast = g === logs[logs.length - 1];
      if (isLast) base = state; // fold of every log before the last
      pending = [];
      const r = await scanFile(file, limits, (rec, offset) => {
        if (rec.type !== RecordType.write) throw new StorageCorruptError(file, offset, `record type ${rec.type} in a write log`);
        let w: HardWrite;
        try {
          w = JSON.parse(rec.payload) as HardWrite;
        } catch (e) {
          throw new StorageCorruptError(file, offset, `checksummed record is not JSON: ${(e as Error).message}`);
        }
        state = applyHardWrite(state, w);
        pending.push(w);
      });
      logBytes += r.goodLength;
      goodLength = r.goodLength;
      if (r.end.kind === 'corrupt') throw new StorageCorruptError(file, r.end.offset, r.end.detail);
      if (r.end.kind === 'tornTail') {
        if (!isLast) throw new StorageCorruptError(file, r.end.offset, `${r.end.detail} (not the last log)`);
        const fh = await open(file, 'r+');
        try {
          await fh.truncate(r.goodLength);
          await fh.sync();
        } finally {
          await fh.close();
        }
        torn++;
        logger.warn({ file, offset: r.end.offset, bytesDropped: r.end.bytes, recordsDropped: 1, recordsKept: r.records, detail: r.end.detail }, 'torn tail dropped from the write log (an append cut short, never acknowledged)');
      }
    }

    // Files older than the snapshot are garbage (a snapshot finished but its cleanup did not).
    let removed = false;
    for (const g of listing.logs) if (g < first) removed = (await unlink(pathIn(abs, logName(g))).then(() => true)) || removed;
    for (const g of listing.snapshots) if (g < first) removed = (await unlink(pathIn(abs, snapshotName(g))).then(() => true)) || removed;

    const gen = logs.length > 0 ? logs[logs.length - 1] : first;
    const fh = await open(pathIn(abs, logName(gen)), logs.length > 0 ? 'r+' : 'w+');
    if (logs.length === 0 || removed || listing.temps.length > 0) await fsyncDir(abs);
    if (logs.length === 0) base = state;
    logger.info({ dir: abs, snapshot: snapGen ?? null, logs: logs.length, writes: pending.length, tornTails: torn }, 'storage opened');
    return new LogStorage(
      { dir: abs, gen, fh, goodLength, recovered: state, base, pending, logBytesSinceSnapshot: logBytes, lastSnapshotBytes, tornRecordsDropped: torn },
      { ...opts, onClose: () => releaseLock(abs) },
    );
  } catch (e) {
    await releaseLock(abs);
    throw e;
  }
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`storage option ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * One process per data directory: a LOCK file holding the owner's pid and, on Linux, its start time (from
 * /proc), so a pid reused by another process after a crash is not mistaken for the owner. A lock left by a
 * dead process (kill -9) is taken over; a live owner makes open fail with a clear message.
 */
async function takeLock(dir: string, logger: StorageLogger): Promise<void> {
  const path = pathIn(dir, LOCK);
  try {
    const [pidText, start] = (await readFile(path, 'utf8')).trim().split(/\s+/);
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && ownerAlive(pid, start)) {
      throw new Error(`data directory ${dir} is in use by process ${pid} (remove ${path} if that is wrong)`);
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  try {
    await writeFile(path, `${process.pid} ${processStart(process.pid) ?? ''}\n`);
  } catch (e) {
    // A full disk must not keep a node from booting (recovery itself needs no space): run unlocked.
    if (classifyWriteError(e) !== 'noSpace') throw e;
    logger.warn({ dir, error: (e as Error).message }, 'no space for the data directory lock; opening without it');
  }
}

async function releaseLock(dir: string): Promise<void> {
  await unlink(pathIn(dir, LOCK)).catch(() => undefined);
}

/** The pid runs and, when both start times are known, it is the same process that wrote the lock. */
function ownerAlive(pid: number, recordedStart: string | undefined): boolean {
  if (!alive(pid)) return false;
  const now = processStart(pid);
  return recordedStart === undefined || recordedStart === '' || now === undefined || now === recordedStart;
}

/** Linux: the process's start time in clock ticks since boot (/proc/PID/stat field 22); undefined elsewhere. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19];
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
