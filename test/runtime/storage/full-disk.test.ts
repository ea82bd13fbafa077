// A full disk: the storage on a real 256 KiB tmpfs mounted for this test (we run as root in CI; the mount is
// probed first and, where it is not permitted, the same scenario runs with an injected ENOSPC after a
// partial write, and says so in its name). Checks: the append that does not fit rejects with noSpace,
// nothing stored changes (no partial record, the next open recovers exactly the acknowledged writes),
// and appends succeed again once space is freed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HardWrite } from '../../../src/pure/hard-state.js';
import { StorageError } from '../../../src/runtime/contracts.js';
import { openStorage, type StorageOptions } from '../../../src/runtime/storage/index.js';
import { canonical, fold, storeWrite, tempDir } from './support.js';

const t = tempDir('porcupine-fulldisk-');
const mnt = join(t.dir, 'mnt');
mkdirSync(mnt);
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { encoding: 'utf8' });
const mounted = mount.status === 0;
const why = mounted ? '' : (mount.stderr || mount.error?.message || 'mount failed').trim();
afterAll(() => {
  if (mounted) spawnSync('umount', [mnt]);
  t.cleanup();
});

/** Where no tmpfs can be mounted: ENOSPC once the "disk" holds 200 KiB, after writing what fits. */
function injectedFullDisk(): { options: StorageOptions; free: () => void } {
  let used = 0;
  let capacity = 200 << 10;
  const options: StorageOptions = {
    injectWriteFault: (bytes) => {
      if (used + bytes <= capacity) {
        used += bytes;
        return undefined;
      }
      return { writeBytes: capacity - used, error: Object.assign(new Error('injected ENOSPC'), { code: 'ENOSPC' }) };
    },
  };
  return { options, free: () => (capacity = 1 << 30) };
}

const title = mounted
  ? 'a full 256 KiB tmpfs: the append rejects with noSpace, nothing stored changes, appends work again once space is freed'
  : `INJECTED ENOSPC (a tmpfs could not be mounted here: ${why}): the append rejects with noSpace, nothing stored changes, appends work again once space is freed`;

describe('full disk', () => {
  it(title, async () => {
    const dir = join(mnt, 'node');
    const filler = join(mnt, 'filler');
    const injected = mounted ? undefined : injectedFullDisk();
    if (mounted) writeFileSync(filler, Buffer.alloc(96 << 10, 1)); // freed later: the space that "returns"
    // No snapshots here: a snapshot would need space of its own (covered by its own failure path).
    const s = await openStorage(dir, { snapshotEveryBytes: 1 << 30, ...injected?.options });
    const acked: HardWrite[] = [];
    let rejection: unknown;
    for (let i = 0; i < 200 && rejection === undefined; i++) {
      const w = storeWrite(i, 6000);
      try {
        await s.append(w);
        acked.push(w);
      } catch (e) {
        rejection = e;
      }
    }
    expect(rejection, 'the disk filled up within 200 writes of 6 KB').toBeInstanceOf(StorageError);
    expect((rejection as StorageError).failure).toBe('noSpace');
    expect(acked.length).toBeGreaterThan(3);
    const log = join(dir, 'log-00000000.wal');
    const sizeAtFull = statSync(log).size;
    // Still full: more appends fail the same way and leave the log as it was (no partial record).
    await expect(s.append(storeWrite(1000, 6000))).rejects.toMatchObject({ failure: 'noSpace' });
    expect(statSync(log).size).toBe(sizeAtFull);
    expect(s.stats().failedWrites).toBe(2);
    await s.close();
    const r = await openStorage(dir, { snapshotEveryBytes: 1 << 30, ...injected?.options });
    expect(canonical(r.recovered)).toEqual(canonical(fold(acked)));
    expect(r.stats().tornRecordsDropped).toBe(0);
    // Space returns: appends succeed again.
    if (mounted) rmSync(filler);
    else injected?.free();
    const later = [storeWrite(2000, 6000), storeWrite(2001, 6000)];
    for (const w of later) await r.append(w);
    await r.close();
    const again = await openStorage(dir);
    expect(canonical(again.recovered)).toEqual(canonical(fold([...acked, ...later])));
    await again.close();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
