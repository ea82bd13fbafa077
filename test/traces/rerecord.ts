// Record the regression traces in traces/ again with the current code, after a behaviour change that you
// UNDERSTAND and intend (a trace that stops replaying is otherwise a regression to investigate first):
//   npx tsc -p tsconfig.json && node dist/test/traces/rerecord.js            # all of them
//   npx tsc -p tsconfig.json && node dist/test/traces/rerecord.js FILE ...   # some (names in traces/)
// Every trace in traces/ is re-run from its own header config (so traces copied from traces/failures/ are
// handled too); the runs listed in regressions.ts are (re)created even when their file is missing.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeConfig, parseHeader, type SimConfig } from '../../src/sim/index.js';
import { recordTrace, REPO_ROOT } from '../../properties/support/failure-trace.js';
import { REGRESSIONS } from './regressions.js';

export const TRACES_DIR = join(REPO_ROOT, 'traces');

/** Every trace file to keep, with the config to record it from. */
export function tracesToRecord(): Map<string, SimConfig> {
  const out = new Map<string, SimConfig>();
  for (const r of REGRESSIONS) out.set(r.file, r.config);
  if (existsSync(TRACES_DIR)) {
    for (const f of readdirSync(TRACES_DIR).filter((n) => n.endsWith('.ndjson')).sort()) {
      if (out.has(f)) continue;
      const first = readFileSync(join(TRACES_DIR, f), 'utf8').split('\n', 1)[0];
      out.set(f, makeConfig(parseHeader(first).config));
    }
  }
  return out;
}

export function rerecord(only: readonly string[] = []): string[] {
  const written: string[] = [];
  for (const [file, config] of tracesToRecord()) {
    if (only.length > 0 && !only.includes(file)) continue;
    writeFileSync(join(TRACES_DIR, file), recordTrace(config));
    written.push(file);
  }
  return written;
}

// Run as a script (node dist/test/traces/rerecord.js), not when imported by a test.
if (process.argv[1]?.endsWith('rerecord.js')) {
  for (const f of rerecord(process.argv.slice(2))) process.stdout.write(`recorded traces/${f}\n`);
}
