// Run the built `porcupine` command as a real process, the way a user does (`npm test` builds dist/
// before vitest runs). PORCUPINE_CLI points at another build (e.g. one compiled to a scratch directory).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../properties/support/failure-trace.js';

export const CLI = process.env.PORCUPINE_CLI ?? join(REPO_ROOT, 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], cwd = REPO_ROOT): CliResult {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -p tsconfig.json; npm test does it)`);
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
