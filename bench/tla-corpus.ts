// The corpus table of `npm run bench:tla`: every row of ../shared/tla-corpus/manifest.tsv run as a fresh
// `porcupine tla check` process (start-up included, like TLC's tlc_seconds), with our verdict and counts,
// TLC's, whether they match, both times and the ratio (TLC's time / ours: above 1 means we are faster). The
// machine is shared, so the table also gives our CPU time (user + system of the child, every thread) and the
// ratio by it: TLC's tlc_seconds were measured alone on the machine, our wall time rarely is.
//   npx tsc -p tsconfig.json && node dist/bench/tla-corpus.js [FILTER] [--timeout-s N]   (N: CPU seconds per row)
//   (--help: the flags; argv is read only when this file is the script run, not when bench/tla.ts imports it)
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchFlags, isMain } from './flags.js';
import { corpusDir, mismatches, readManifest, rowName, runChild, type CorpusOutcome, type CorpusRow } from './tla/corpus.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = [path.resolve(here, '../..'), path.resolve(here, '..')].find((d) => existsSync(path.join(d, 'package.json'))) ?? process.cwd();

function verdict(exit: number, distinct: number | undefined, generated: number | undefined): string {
  return `${exit} ${distinct ?? '-'}/${generated ?? '-'}`;
}

export async function corpusTable(filter = '', timeoutS = 300): Promise<{ matched: number; total: number }> {
  const cli = path.join(repoRoot, 'dist/src/cli/main.js');
  if (!existsSync(cli)) throw new Error(`compile first (npx tsc -p tsconfig.json): ${cli} is missing`);
  const dir = corpusDir(repoRoot);
  const rows = readManifest(dir).filter((r) => rowName(r).includes(filter));
  console.log('| model | ours: exit distinct/generated | TLC | match | our s | our CPU s | TLC s | TLC/ours | TLC/ours by CPU |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  let matched = 0;
  const failures: [CorpusRow, CorpusOutcome, string[]][] = [];
  for (const r of rows) {
    const o = await runChild(dir, r, cli, timeoutS * 1000);
    const diffs = mismatches(r, o);
    if (diffs.length === 0) matched++;
    else failures.push([r, o, diffs]);
    const ours = verdict(o.exit, o.distinct, o.generated);
    const tlc = verdict(r.tlcExit, r.distinct, r.generated);
    const cpu = o.cpuSeconds;
    const cpuCols = cpu === undefined ? ['-', '-'] : [cpu.toFixed(1), (r.tlcSeconds / cpu).toFixed(2)];
    console.log(`| ${rowName(r)} | ${ours} | ${tlc} | ${diffs.length === 0 ? 'yes' : 'NO'} | ${o.seconds.toFixed(1)} | ${cpuCols[0]} | ${r.tlcSeconds.toFixed(1)} | ${(r.tlcSeconds / o.seconds).toFixed(2)} | ${cpuCols[1]} |`);
  }
  console.log(`\n${matched} of ${rows.length} corpus models match TLC.`);
  for (const [r, o, diffs] of failures) console.log(`- ${rowName(r)}: ${diffs.join('; ')}${o.error === '' && o.stderr ? ` [${o.stderr}]` : ''}`);
  return { matched, total: rows.length };
}

if (isMain(import.meta.url)) {
  const { values, positionals } = benchFlags({
    name: 'bench:tla-corpus',
    usage: 'node dist/bench/tla-corpus.js [FILTER] [options]   (after npx tsc -p tsconfig.json)',
    description:
      "The corpus table of npm run bench:tla alone: every row of ../shared/tla-corpus/manifest.tsv as a fresh\n" +
      "`porcupine tla check` process, our verdict, counts and times against TLC's.",
    options: {
      'timeout-s': { type: 'number', default: 300, help: 'CPU seconds per row before the row is stopped' },
    },
    positionals: { name: 'FILTER', help: 'only the rows whose name (Dir/Model) contains this text (default: every row)', max: 1 },
  });
  await corpusTable(positionals[0] ?? '', values['timeout-s']);
}
