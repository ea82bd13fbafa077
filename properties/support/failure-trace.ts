// Record a failing simulation again, with a trace, so it can be replayed and studied (DESIGN.md §5):
// traces/failures/<property>-<seed>.ndjson (git-ignored). A trace worth keeping is moved to traces/ and
// then replayed in CI forever (test/traces/replay-recorded.test.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runSimulation, type SimConfig, type SimOptions } from '../../src/sim/index.js';
import { REPO_ROOT } from '../../test/support/paths.js';

export { REPO_ROOT };
export const FAILURES_DIR = join(REPO_ROOT, 'traces', 'failures');

/** The version written into trace headers: the package's (what `porcupine sim` writes too). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** The NDJSON trace of a run, as text (every line newline-terminated, like `porcupine sim --trace`). */
export function recordTrace(config: SimConfig, options: Pick<SimOptions, 'reducer'> = {}): string {
  const lines: string[] = [];
  runSimulation(config, { ...options, trace: { sink: (l) => lines.push(l), version: packageVersion() } });
  return lines.map((l) => l + '\n').join('');
}

/** Re-run `config` with a trace into traces/failures/; returns the path relative to the repository. */
export function saveFailureTrace(name: string, config: SimConfig): string {
  mkdirSync(FAILURES_DIR, { recursive: true });
  const file = join(FAILURES_DIR, `${slug(name)}-${config.seed}.ndjson`);
  writeFileSync(file, recordTrace(config));
  return relative(REPO_ROOT, file);
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);
}
