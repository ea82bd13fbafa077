// The corpus test (issue 10): every row of ../shared/tla-corpus/manifest.tsv is run through `porcupine tla
// check` from its config's folder, with the corpus's lib/tlaps and lib/community on the library path, and
// must give TLC's exit code, TLC's violated property for failures and TLC's exact distinct and generated
// counts for successes. The rows are spread over several test files (corpus-N.test.ts) so vitest runs them in
// parallel; each file takes the rows the greedy split by TLC's time gives it.
import { describe, expect, it } from 'vitest';
import { corpusDir, mismatches, readManifest, rowName, runInProcess, type CorpusRow } from '../../../bench/tla/corpus.js';
import { repoRoot } from '../back/helpers.js';

export const PARTS = 3;

/**
 * Rows we knowingly still get wrong, by row name, with the reason (also in docs/tla.md). The test asserts they
 * still mismatch, so fixing one forces removing it from this list.
 */
export const KNOWN_MISMATCHES: ReadonlyMap<string, string> = new Map<string, string>([]);

/** Rows of the corpus split into PARTS groups of similar TLC time (largest first, each to the lightest group). */
function split(rows: readonly CorpusRow[]): CorpusRow[][] {
  const parts: { rows: CorpusRow[]; load: number }[] = Array.from({ length: PARTS }, () => ({ rows: [], load: 0 }));
  for (const r of [...rows].sort((a, b) => b.tlcSeconds - a.tlcSeconds)) {
    const p = parts.reduce((a, b) => (b.load < a.load ? b : a));
    p.rows.push(r);
    p.load += r.tlcSeconds;
  }
  return parts.map((p) => p.rows);
}

/** A unique label per row (two N-Queens configs share the name MC: add the folder path when needed). */
function label(r: CorpusRow, all: readonly CorpusRow[]): string {
  const n = rowName(r);
  return all.filter((x) => rowName(x) === n).length > 1 ? r.config.replace(/^examples\/specifications\//, '') : n;
}

export function corpusSuite(part: number): void {
  const dir = corpusDir(repoRoot);
  const all = readManifest(dir);
  const mine = split(all)[part];
  describe(`TLA+ corpus, part ${part + 1} of ${PARTS}`, () => {
    if (part === 0) {
      it('the manifest has the 50 models and every known mismatch names one of them', () => {
        expect(all.length).toBe(50);
        const names = new Set(all.map((r) => label(r, all)));
        for (const k of KNOWN_MISMATCHES.keys()) expect(names.has(k), k).toBe(true);
      });
    }
    for (const r of mine) {
      const name = label(r, all);
      const known = KNOWN_MISMATCHES.get(name);
      const want = r.result === 'success' ? `${r.distinct} distinct / ${r.generated} generated` : r.violation;
      it(`${name}: ${known ? `known mismatch (${known})` : `TLC's exit ${r.tlcExit}, ${want}`}`, async () => {
        const o = await runInProcess(dir, r);
        const diffs = mismatches(r, o);
        if (known) expect(diffs.length, `${name} now matches TLC: remove it from KNOWN_MISMATCHES`).toBeGreaterThan(0);
        else expect(diffs, o.stderr).toEqual([]);
      }, 600_000);
    }
  });
}
