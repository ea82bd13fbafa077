// File names and directory-level durability for the storage (docs/runtime-storage.md "Files").
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Write logs `log-<generation>.wal` and snapshots `snapshot-<generation>.snap` (snapshot g = every write of logs < g). */
const LOG_RE = /^log-(\d{8})\.wal$/;
const SNAP_RE = /^snapshot-(\d{8})\.snap$/;
const TMP_RE = /\.tmp$/;

export function logName(gen: number): string {
  return `log-${String(gen).padStart(8, '0')}.wal`;
}

export function snapshotName(gen: number): string {
  return `snapshot-${String(gen).padStart(8, '0')}.snap`;
}

export interface DirListing {
  readonly logs: readonly number[];
  readonly snapshots: readonly number[];
  readonly temps: readonly string[];
}

export async function listDir(dir: string): Promise<DirListing> {
  const logs: number[] = [];
  const snapshots: number[] = [];
  const temps: string[] = [];
  for (const name of await readdir(dir)) {
    const l = LOG_RE.exec(name);
    if (l !== null) logs.push(Number(l[1]));
    const s = SNAP_RE.exec(name);
    if (s !== null) snapshots.push(Number(s[1]));
    if (TMP_RE.test(name)) temps.push(name);
  }
  logs.sort((a, b) => a - b);
  snapshots.sort((a, b) => a - b);
  return { logs, snapshots, temps };
}

/**
 * fsync a directory, so a file created, renamed or removed in it survives a power loss (POSIX makes the
 * name durable only through the directory; fsync of the file alone does not).
 */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function pathIn(dir: string, name: string): string {
  return join(dir, name);
}
