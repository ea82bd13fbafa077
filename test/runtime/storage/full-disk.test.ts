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
afterAll(() => t.cleanup());

function mountTmpfs(at: string): { ok: boolean; why: string } {
  mkdirSync(at, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', at], { encoding: 'utf8' });
  return { ok: r.status === 0, why: (r.stderr || r.error?.message || `mount exited with ${r.status}`).trim() };
}
function umount(at: string): void {
  spawnSync('umount', ['-l', at]); // lazy: a failed test may still hold a file open there
}
// Probe once (each test mounts its own fresh tmpfs).
const probe = mountTmpfs(join(t.dir, 'probe'));
if (probe.ok) umount(join(t.dir, 'probe'));
const mounted = probe.ok;
const why = probe.why;

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

const how = mounted ? 'a full 256 KiB tmpfs' : `INJECTED ENOSPC (a tmpfs could not be mounted here: ${why})`;

async function fillAndRecover(name: string, snapshotEveryBytes: number): Promise<void> {
  const mnt = join(t.dir, name);
  if (mounted && !mountTmpfs(mnt).ok) throw new Error(`mounting a tmpfs at ${mnt} failed after the probe succeeded`);
  try {
    await scenario(mnt, snapshotEveryBytes);
  } finally {
    if (mounted) umount(mnt);
  }
}

async function scenario(mnt: string, snapshotEveryBytes: number): Promise<void> {
  const withSnapshots = snapshotEveryBytes < 1 << 20;
  const dir = join(mnt, 'node');
  const filler = join(mnt, 'filler');
  const injected = mounted ? undefined : injectedFullDisk();
  if (mounted) writeFileSync(filler, Buffer.alloc(96 << 10, 1)); // freed later: the space that "returns"
  const s = await openStorage(dir, { snapshotEveryBytes, ...injected?.options });
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
  expect(rejection, 'the disk filled up within 200 writes').toBeInstanceOf(StorageError);
  expect((rejection as StorageError).failure).toBe('noSpace');
  expect(acked.length).toBeGreaterThan(3);
  const sizes = (): string => readdirSync(dir).filter((f) => f.startsWith('log-') || f.startsWith('snapshot-')).sort().map((f) => `${f}:${statSync(join(dir, f)).size}`).join(' ');
  const atFull = sizes();
  // Keep writing while full. Without snapshots nothing frees space: every append fails the same way and the
  // files stay as they were (no partial record). With snapshots, an abandoned snapshot frees its temp file,
  // so some of these may succeed: what matters is that exactly the acknowledged ones are stored.
  let failedLater = 0;
  for (let i = 1000; i < 1020; i++) {
    const w = storeWrite(i, 6000);
    try {
      await s.append(w);
      acked.push(w);
    } catch (e) {
      expect(e).toMatchObject({ failure: 'noSpace' });
      failedLater++;
    }
  }
  if (withSnapshots) expect(s.stats().snapshots, 'snapshots were written before the disk filled').toBeGreaterThan(0);
  if (!withSnapshots) {
    expect(failedLater).toBe(20);
    expect(sizes()).toBe(atFull);
  }
  expect(s.stats().failedWrites).toBe(1 + failedLater);
  await s.idle();
  await s.close();
  const r = await openStorage(dir, { snapshotEveryBytes, ...injected?.options });
  expect(canonical(r.recovered)).toEqual(canonical(fold(acked)));
  expect(r.stats().tornRecordsDropped).toBe(0);
  // Space returns: appends succeed again.
  if (mounted) rmSync(filler);
  else injected?.free();
  const later = [storeWrite(2000, 6000), storeWrite(2001, 6000)];
  for (const w of later) await r.append(w);
  await r.idle();
  await r.close();
  const again = await openStorage(dir);
  expect(canonical(again.recovered)).toEqual(canonical(fold([...acked, ...later])));
  await again.close();
  expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
}

describe('full disk', () => {
  it(`${how}: the append rejects with noSpace, nothing stored changes, appends work again once space is freed`, async () => {
    await fillAndRecover('plain', 1 << 30);
  });

  it(`${how}, with snapshots due: a snapshot that cannot be written is abandoned, the logs stay, nothing acknowledged is lost`, async () => {
    await fillAndRecover('snapshots', 24_000);
  });
});
