// The runtime storage on real files in temp dirs: round trip, group commit, torn tails, corruption in the
// middle, snapshots (compaction) and every crash point of a snapshot, injected write failures, and a
// property over every HardWrite kind: what open() recovers is the fold of the acknowledged writes.
import fc from 'fast-check';
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { HardWrite } from '../../../src/pure/hard-state.js';
import { StorageError } from '../../../src/runtime/contracts.js';
import { openStorage, processStart, StorageCorruptError } from '../../../src/runtime/storage/index.js';
import { encodeRecord, RecordType } from '../../../src/runtime/storage/records.js';
import { propertyParams } from '../../../properties/support/fc-params.js';
import { canonical, collectingLogger, fold, hardWriteArb, storeWrite, tempDir } from './support.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function dataDir(): string {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

const LOG0 = 'log-00000000.wal';

async function writeAll(dir: string, writes: readonly HardWrite[], options: Parameters<typeof openStorage>[1] = {}): Promise<void> {
  const s = await openStorage(dir, options);
  for (const w of writes) await s.append(w);
  await s.close();
}

describe('storage round trip', () => {
  it('recovers at open exactly the fold of the appended writes, across several opens', async () => {
    const dir = dataDir();
    const first = Array.from({ length: 30 }, (_, i) => storeWrite(i));
    await writeAll(dir, first);
    const more: HardWrite[] = [{ kind: 'deleteMessages', user: 'user1', msgIds: ['m1', 'm8'] }, { kind: 'incarnation', incarnation: 3 }, storeWrite(99)];
    const s = await openStorage(dir);
    expect(canonical(s.recovered)).toEqual(canonical(fold(first)));
    for (const w of more) await s.append(w);
    await s.close();
    const again = await openStorage(dir);
    expect(canonical(again.recovered)).toEqual(canonical(fold([...first, ...more])));
    expect(again.recovered.incarnation).toBe(3);
    await again.close();
  });

  it('group commit: appends issued together share fsyncs (fewer fsyncs than writes), batch sizes are reported', async () => {
    const dir = dataDir();
    const s = await openStorage(dir);
    const seen: number[] = [];
    s.onFsync = (_ms, batch) => seen.push(batch);
    await Promise.all(Array.from({ length: 400 }, (_, i) => s.append(storeWrite(i))));
    const st = s.stats();
    expect(st.recordsWritten).toBe(400);
    expect(st.fsyncs).toBeLessThan(400);
    expect(Math.max(...st.recentBatchSizes)).toBeGreaterThan(1);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(400);
    await s.close();
  });

  it('appends after close reject with StorageError closed', async () => {
    const s = await openStorage(dataDir());
    await s.close();
    await expect(s.append(storeWrite(1))).rejects.toMatchObject({ failure: 'closed' });
  });

  it('a data directory locked by another live process is refused; a lock whose pid was reused by another process is taken over', async () => {
    const dir = dataDir();
    const start = processStart(process.ppid);
    if (process.platform === 'linux') expect(start).toMatch(/^\d+$/);
    writeFileSync(join(dir, 'LOCK'), `${process.ppid} ${start ?? ''}\n`); // a live process that is not us
    await expect(openStorage(dir)).rejects.toThrow(/in use by process/);
    if (start !== undefined) {
      // The same pid with another start time: the owner died and its pid now belongs to someone else.
      writeFileSync(join(dir, 'LOCK'), `${process.ppid} ${Number(start) - 1}\n`);
      const s = await openStorage(dir);
      expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(`${process.pid} ${processStart(process.pid)}\n`);
      await s.close();
    }
  });
});

describe('torn tails and corruption', () => {
  it('a torn tail (a record cut short, then garbage) is dropped at open, logged, and appends continue', async () => {
    const dir = dataDir();
    const writes = Array.from({ length: 20 }, (_, i) => storeWrite(i));
    await writeAll(dir, writes);
    const log = join(dir, LOG0);
    const goodSize = statSync(log).size;
    const cut = encodeRecord(RecordType.write, JSON.stringify(storeWrite(500, 3000))).subarray(0, 1700);
    appendFileSync(log, cut);
    appendFileSync(log, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 0, 1, 2, 3]));
    const logger = collectingLogger();
    const s = await openStorage(dir, { logger });
    expect(canonical(s.recovered)).toEqual(canonical(fold(writes)));
    expect(s.stats().tornRecordsDropped).toBe(1);
    expect(statSync(log).size).toBe(goodSize);
    const warn = logger.lines.find((l) => l.level === 'warn');
    expect(warn?.obj).toMatchObject({ file: log, offset: goodSize, bytesDropped: 1700 + 9 });
    await s.append(storeWrite(21));
    await s.close();
    const again = await openStorage(dir);
    expect(canonical(again.recovered)).toEqual(canonical(fold([...writes, storeWrite(21)])));
    expect(again.stats().tornRecordsDropped).toBe(0);
    await again.close();
  });

  it('a log that is only a torn header opens empty', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, LOG0), Buffer.from([0, 0, 0]));
    const s = await openStorage(dir);
    expect(canonical(s.recovered)).toEqual(canonical(fold([])));
    expect(s.stats().tornRecordsDropped).toBe(1);
    await s.close();
  });

  it('a bad record in the middle (good records after it) is corruption: open refuses, naming file and offset, and changes nothing', async () => {
    const dir = dataDir();
    await writeAll(dir, Array.from({ length: 10 }, (_, i) => storeWrite(i)));
    const log = join(dir, LOG0);
    const bytes = readFileSync(log);
    const recordSize = encodeRecord(RecordType.write, JSON.stringify(storeWrite(0))).length;
    const badAt = recordSize * 4; // the fifth record (all ten have the same size)
    bytes[badAt + 20] ^= 0x01;
    writeFileSync(log, bytes);
    const err = await openStorage(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageCorruptError);
    expect((err as StorageCorruptError).file).toBe(log);
    expect((err as StorageCorruptError).offset).toBe(badAt);
    expect((err as Error).message).toMatch(/checksum mismatch; a good record follows/);
    expect(readFileSync(log).equals(bytes)).toBe(true);
  });

  it('a bad record in a log that is not the last one is corruption even at its end', async () => {
    const dir = dataDir();
    await writeAll(dir, Array.from({ length: 5 }, (_, i) => storeWrite(i)));
    // The layout of a log switch: log 1 follows log 0, whose end is garbage (never possible after a clean switch).
    writeFileSync(join(dir, 'log-00000001.wal'), encodeRecord(RecordType.write, JSON.stringify(storeWrite(1000))));
    appendFileSync(join(dir, LOG0), Buffer.from([1, 2, 3]));
    await expect(openStorage(dir)).rejects.toThrow(/not the last log/);
  });

  it('a checksummed record that is not JSON is corruption (a bug, not a torn write): open refuses', async () => {
    const dir = dataDir();
    await writeAll(dir, [storeWrite(1)]);
    appendFileSync(join(dir, LOG0), encodeRecord(RecordType.write, '{"kind":"storeMessage",'));
    await expect(openStorage(dir)).rejects.toThrow(/checksummed record is not JSON/);
  });

  it('a write above the record limit is refused with ioError and nothing is written', async () => {
    const dir = dataDir();
    const s = await openStorage(dir, { maxRecordBytes: 1000 });
    await expect(s.append(storeWrite(1, 2000))).rejects.toMatchObject({ failure: 'ioError' });
    await s.append(storeWrite(2, 100));
    await s.close();
    const r = await openStorage(dir);
    expect(canonical(r.recovered)).toEqual(canonical(fold([storeWrite(2, 100)])));
    await r.close();
  });

  it('a missing log between the snapshot and the last log is corruption', async () => {
    const dir = dataDir();
    await writeAll(dir, [storeWrite(1)]);
    writeFileSync(join(dir, 'log-00000002.wal'), encodeRecord(RecordType.write, JSON.stringify(storeWrite(2))));
    await expect(openStorage(dir)).rejects.toThrow(/log file missing/);
  });
});

describe('snapshots (compaction)', () => {
  it('the log does not grow without bound: snapshots replace old logs, and open recovers the same state', async () => {
    const dir = dataDir();
    const writes: HardWrite[] = [];
    const s = await openStorage(dir, { snapshotEveryBytes: 20_000 });
    for (let i = 0; i < 400; i++) {
      // Every message is deleted by the next write: the live state stays small while the writes pile up.
      const w: HardWrite = i % 2 === 1 ? { kind: 'deleteMessages', user: `user${(i - 1) % 7}`, msgIds: [`m${i - 1}`] } : storeWrite(i, 500);
      writes.push(w);
      await s.append(w);
    }
    await s.idle();
    const st = s.stats();
    expect(st.snapshots).toBeGreaterThan(2);
    await s.close();
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => f.endsWith('.snap'))).toHaveLength(1);
    expect(files.filter((f) => f.endsWith('.wal'))).toHaveLength(1);
    const total = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    expect(st.bytesWritten).toBeGreaterThan(100_000);
    expect(total).toBeLessThan(2 * 20_000 + 2_000); // at most a threshold of log beyond a small snapshot
    const again = await openStorage(dir);
    expect(canonical(again.recovered)).toEqual(canonical(fold(writes)));
    await again.close();
  });

  it('every crash point of a snapshot recovers the same state (tmp left over, old logs not yet removed, no snapshot yet)', async () => {
    const dir = dataDir();
    const before = Array.from({ length: 30 }, (_, i) => storeWrite(i, 300));
    await writeAll(dir, before, { snapshotEveryBytes: 1 << 30 });
    const log0 = readFileSync(join(dir, LOG0));
    // One more append with a tiny threshold switches to log 1 and snapshots log 0.
    const s = await openStorage(dir, { snapshotEveryBytes: 1000 });
    const after = [storeWrite(100), storeWrite(101)];
    for (const w of after) await s.append(w);
    await s.idle();
    expect(s.stats().snapshots).toBe(1);
    await s.close();
    const snap = readFileSync(join(dir, 'snapshot-00000001.snap'));
    const log1 = readFileSync(join(dir, 'log-00000001.wal'));
    const expected = canonical(fold([...before, ...after]));

    const layouts: Record<string, Record<string, Buffer>> = {
      'snapshot half written (tmp)': { [LOG0]: log0, 'log-00000001.wal': log1, 'snapshot-00000001.snap.tmp': snap.subarray(0, snap.length >> 1) },
      'snapshot renamed, old log not removed': { [LOG0]: log0, 'log-00000001.wal': log1, 'snapshot-00000001.snap': snap },
      'new log started, no snapshot file yet': { [LOG0]: log0, 'log-00000001.wal': log1 },
      'new log created empty': { [LOG0]: log0, 'log-00000001.wal': Buffer.alloc(0) },
    };
    for (const [name, files] of Object.entries(layouts)) {
      const d = dataDir();
      for (const [f, b] of Object.entries(files)) writeFileSync(join(d, f), b);
      const r = await openStorage(d);
      const want = name === 'new log created empty' ? canonical(fold(before)) : expected;
      expect(canonical(r.recovered), name).toEqual(want);
      await r.append(storeWrite(200));
      await r.close();
      expect(readdirSync(d).filter((f) => f.endsWith('.tmp')), name).toEqual([]);
      if (name === 'snapshot renamed, old log not removed') expect(existsSync(join(d, LOG0))).toBe(false);
      const again = await openStorage(d);
      const base = name === 'new log created empty' ? before : [...before, ...after];
      expect(canonical(again.recovered), name).toEqual(canonical(fold([...base, storeWrite(200)])));
      await again.close();
    }
  });

  it('a snapshot with a flipped byte is corruption: open refuses', async () => {
    const dir = dataDir();
    await writeAll(dir, Array.from({ length: 50 }, (_, i) => storeWrite(i, 300)), { snapshotEveryBytes: 3000 });
    const snap = readdirSync(dir).find((f) => f.endsWith('.snap'));
    expect(snap).toBeDefined();
    const path = join(dir, snap as string);
    const bytes = readFileSync(path);
    bytes[30] ^= 0x40;
    writeFileSync(path, bytes);
    await expect(openStorage(dir)).rejects.toThrow(StorageCorruptError);
  });

  it('property: for any sequence of HardWrites of every kind, with snapshots at any point, open recovers the fold of the writes', async () => {
    let snapshots = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(hardWriteArb, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 200, max: 3000 }), async (batches, every) => {
        const t = tempDir();
        try {
          const s = await openStorage(t.dir, { snapshotEveryBytes: every });
          for (const batch of batches) await Promise.all(batch.map((w) => s.append(w)));
          await s.idle();
          snapshots += s.stats().snapshots;
          await s.close();
          const r = await openStorage(t.dir);
          expect(canonical(r.recovered)).toEqual(canonical(fold(batches.flat())));
          await r.close();
        } finally {
          t.cleanup();
        }
      }),
      propertyParams('storage recovers the fold of the writes', { file: 'test/runtime/storage/storage.test.ts', defaultRuns: 25 }),
    );
    expect(snapshots).toBeGreaterThan(0); // the runs did go through snapshots, not only through the log
  });
});

describe('write failures (injected: a partial write, then an error)', () => {
  it('an injected EIO after a partial write rejects the batch with ioError, truncates it away, and later appends work', async () => {
    const dir = dataDir();
    let failNext = false;
    const s = await openStorage(dir, {
      injectWriteFault: (bytes) => (failNext ? { writeBytes: bytes >> 1, error: Object.assign(new Error('injected EIO'), { code: 'EIO' }) } : undefined),
    });
    const good = [storeWrite(1), storeWrite(2)];
    for (const w of good) await s.append(w);
    const size = statSync(join(dir, LOG0)).size;
    failNext = true;
    const failed = await Promise.allSettled([s.append(storeWrite(3)), s.append(storeWrite(4))]);
    for (const f of failed) {
      expect(f.status).toBe('rejected');
      expect((f as PromiseRejectedResult).reason).toBeInstanceOf(StorageError);
      expect((f as PromiseRejectedResult).reason.failure).toBe('ioError');
    }
    expect(statSync(join(dir, LOG0)).size).toBe(size);
    failNext = false;
    await s.append(storeWrite(5));
    expect(s.stats().failedWrites).toBe(2);
    await s.close();
    const r = await openStorage(dir);
    expect(canonical(r.recovered)).toEqual(canonical(fold([...good, storeWrite(5)])));
    expect(r.stats().tornRecordsDropped).toBe(0);
    await r.close();
  });

  it('an injected ENOSPC is reported as noSpace', async () => {
    const s = await openStorage(dataDir(), { injectWriteFault: () => ({ writeBytes: 5, error: Object.assign(new Error('injected ENOSPC'), { code: 'ENOSPC' }) }) });
    await expect(s.append(storeWrite(1))).rejects.toMatchObject({ failure: 'noSpace' });
    await s.close();
  });
});
