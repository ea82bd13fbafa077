// The workers section of `npm run bench:tla`: `tla check --workers 2` against one worker on larger corpus
// models, in this process (the spec is loaded once, untimed; the two-worker time includes starting the
// workers, which load the spec themselves). The machine may be shared, so besides wall time and distinct
// states per second it prints the CPU time of each run (process-wide: every thread) and the speed-up that
// CPU time gives on 2 free cores, 2 x CPU(1 worker) / CPU(2 workers), with the load average at the time.
//   npx tsc -p tsconfig.json && node dist/bench/tla-workers.js [MODEL...]
//   (--help: the usage; argv is read only when this file is the script run, not when bench/tla.ts imports it)
import { loadavg } from 'node:os';
import path from 'node:path';
import { checkSpec, checkSpecWorkers, type CheckResult } from '../src/tla/check/index.js';
import { loadWithCfg } from '../src/tla/cli/load.js';
import { REPO_ROOT } from '../test/support/paths.js';
import { corpusDir, readManifest, rowName } from './tla/corpus.js';
import { benchFlags, isMain } from './flags.js';

/** Larger corpus models that finish in a minute or so with one worker. */
export const WORKER_BENCH_MODELS = ['Disruptor/Disruptor_MPMC', 'TeachingConcurrency/SimpleRegular', 'SlushProtocol/SlushSmall'];

interface Timed {
  readonly result: CheckResult;
  readonly wallS: number;
  readonly cpuS: number;
}

async function timed(run: () => CheckResult | Promise<CheckResult>): Promise<Timed> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const result = await run();
  const cpu = process.cpuUsage(c0);
  return { result, wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
}

function counts(t: Timed): string {
  const st = t.result.stats;
  return st ? `${st.distinct}/${st.generated}` : '-';
}

export async function workersTable(models: readonly string[] = WORKER_BENCH_MODELS): Promise<void> {
  const dir = corpusDir(REPO_ROOT);
  const rows = readManifest(dir);
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  console.log(`load average at the start: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('| model | distinct/generated | 1 worker: wall s, CPU s, distinct/s | 2 workers: wall s, CPU s, distinct/s | speed-up (wall) | 2 x CPU(1) / CPU(2) | same counts |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const name of models) {
    const row = rows.find((r) => rowName(r) === name);
    if (row === undefined) throw new Error(`no corpus model ${name}`);
    const specPath = path.join(dir, row.spec);
    const cfgPath = path.join(dir, row.config);
    const libs = [path.join(dir, 'lib/tlaps'), path.join(dir, 'lib/community')];
    const l = await loadWithCfg(specPath, cfgPath, { libs });
    const one = await timed(() => checkSpec(l.spec, l.ops, l.cfg));
    const two = await timed(() => checkSpecWorkers(l.spec, l.ops, l.cfg, { workers: 2, source: { specPath, cfgPath, libs }, onNote: (n) => console.log(`  ${name}: ${n}`) }));
    const rate = (t: Timed): string => fmt((t.result.stats?.distinct ?? 0) / t.wallS);
    console.log(
      `| ${name} | ${counts(one)} | ${one.wallS.toFixed(1)}, ${one.cpuS.toFixed(1)}, ${rate(one)} | ${two.wallS.toFixed(1)}, ${two.cpuS.toFixed(1)}, ${rate(two)} | ${(one.wallS / two.wallS).toFixed(2)} | ${((2 * one.cpuS) / two.cpuS).toFixed(2)} | ${counts(one) === counts(two) ? 'yes' : 'NO'} |`,
    );
  }
  console.log(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}

if (isMain(import.meta.url)) {
  const { positionals: names } = benchFlags({
    name: 'bench:tla-workers',
    usage: 'node dist/bench/tla-workers.js [MODEL...]   (after npx tsc -p tsconfig.json)',
    description:
      'The workers section of npm run bench:tla alone: tla check --workers 2 against one worker on corpus models,\n' +
      'wall and CPU time, distinct states per second, the speed-up.',
    options: {},
    positionals: { name: 'MODEL...', help: `corpus models by Dir/Model name (default: ${WORKER_BENCH_MODELS.join(' ')})` },
  });
  await workersTable(names.length > 0 ? names : WORKER_BENCH_MODELS);
}
