// CI replays every recorded trace in traces/*.ndjson (DESIGN.md §5): the run its header describes must
// produce the same trace again, line for line (events, state refinements, digests at checkpoints). A
// divergence means the code's behaviour changed: investigate it as a regression first; if the change is
// intended, record the traces again (see rerecord.ts) and say so in the commit.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkers, runSimulation, replayTrace } from '../../src/sim/index.js';
import { REGRESSIONS } from './regressions.js';
import { TRACES_DIR } from './rerecord.js';

const files = readdirSync(TRACES_DIR).filter((f) => f.endsWith('.ndjson')).sort();

describe('recorded traces replay identically', () => {
  it('every regression listed in regressions.ts has its trace in traces/', () => {
    expect(files).toEqual(expect.arrayContaining(REGRESSIONS.map((r) => r.file)));
  });

  // Replay proves determinism, not correctness: the runs kept as regressions must also be good runs.
  for (const r of REGRESSIONS) {
    it(`the run recorded in traces/${r.file} passes every checker (${r.why})`, () => {
      const failed = checkers.checkAll(runSimulation(r.config)).filter((c) => !c.ok);
      expect(failed.map((c) => `${c.name}: ${c.examples.join('; ')}`)).toEqual([]);
    });
  }

  for (const file of files) {
    it(`traces/${file} replays identically`, () => {
      const verdict = replayTrace(readFileSync(join(TRACES_DIR, file), 'utf8'));
      const d = verdict.divergence;
      const why = d === undefined ? '' :
        `traces/${file} diverged at line ${d.line}: ${d.what}\n  recorded: ${d.expected.slice(0, 300)}\n  replayed: ${d.actual.slice(0, 300)}\n` +
        `If the behaviour change is intended: npx tsc -p tsconfig.json && node dist/test/traces/rerecord.js ${file}`;
      expect(verdict.ok, why).toBe(true);
      expect(verdict.linesCompared).toBeGreaterThan(10);
    });
  }
});
