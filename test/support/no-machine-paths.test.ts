// No test, benchmark or source file reads a path of a particular machine (issue 13): files beside the
// repository are found through test/support/paths.ts. Scans the TypeScript sources for absolute paths
// under /work, /home, /Users, /root or a fixed /tmp/ location.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, sharedDir } from './paths.js';

const SCANNED = ['src', 'test', 'properties', 'bench'];
/** A string literal or template starting with a machine's absolute path. */
const MACHINE_PATH = /['"`](\/work\/|\/home\/|\/Users\/|\/root\/|\/tmp\/)/;
/** A home or workspace path anywhere, comments included: a reader must not be sent to one machine's folders. */
const MACHINE_DIR = /(^|[\s(])(\/work\/|\/home\/|\/Users\/)/;
const SELF = 'test/support/no-machine-paths.test.ts';

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('paths', () => {
  it('no source, test or benchmark file holds an absolute path of a particular machine', () => {
    const hits: string[] = [];
    for (const top of SCANNED) {
      for (const file of tsFiles(join(REPO_ROOT, top))) {
        readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
          if (relative(REPO_ROOT, file) === SELF) return;
          if (MACHINE_PATH.test(line) || MACHINE_DIR.test(line)) hits.push(`${relative(REPO_ROOT, file)}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(hits).toEqual([]);
  });

  it('no document names a folder of a particular machine', () => {
    const docs = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];
    const hits: string[] = [];
    for (const doc of docs) {
      readFileSync(join(REPO_ROOT, doc), 'utf8').split('\n').forEach((line, i) => {
        if (MACHINE_DIR.test(line)) hits.push(`${doc}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(hits).toEqual([]);
  });

  it('../shared is found beside the repository root, and a missing part of it fails with a clear message', () => {
    expect(sharedDir()).toBe(join(REPO_ROOT, '..', 'shared'));
    expect(() => sharedDir('no-such-dir')).toThrow(/no-such-dir is missing: these tests need the read-only 'shared' directory beside the repository root/);
  });
});
