// Where tests find things: the repository root (the nearest directory above this module with a
// package.json, so it works from the sources and from dist/) and the read-only `../shared` directory beside
// it (DESIGN.md, the TLC conformance suite). No test reads a path of a particular machine: every test that
// needs `../shared` asks `sharedDir`, which fails with one clear line when it is missing.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in any directory above ${start}`);
  }
}

/** The repository root. */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** `<repository>/../shared/<sub>`; throws a clear error if it does not exist. */
export function sharedDir(sub = ''): string {
  const dir = resolve(REPO_ROOT, '..', 'shared', sub);
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: these tests need the read-only 'shared' directory beside the repository root (${resolve(REPO_ROOT, '..', 'shared')}), e.g. a symlink to it`);
  }
  return dir;
}

/** The TLC conformance suite (../shared/tla-conformance). */
export function conformanceDir(): string {
  return sharedDir('tla-conformance');
}
