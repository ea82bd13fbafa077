// Shared helpers for the TLA+ back-end tests.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The conformance suite: beside the repo (CI symlinks `shared` there), else /work/shared. */
export function conformanceDir(): string {
  const beside = path.resolve(repoRoot, '../shared/tla-conformance');
  return existsSync(beside) ? beside : '/work/shared/tla-conformance';
}
