// Benchmark of the TLA+ back end against TLC's published single-worker figures:
// - model checking: distinct and generated states per second on PerfSorting (conformance suite) and on
//   bench/tla/BenchRing.tla (245,760 states);
// - end-to-end time for a tiny spec (load + parse + check), in process (cold: includes web-tree-sitter's
//   wasm initialisation) and as a fresh `node` process running the CLI;
// - trace validation: steps per second on a 10,000-step random-walk trace of BenchRing, and on the
//   project's own simulator traces (traces/*.ndjson and one larger run) mapped to every spec with a mapping.
// - the public corpus (../shared/tla-corpus, bench/tla-corpus.ts): every model as a fresh process, our
//   verdict and counts against TLC's, our time, TLC's time and the ratio (TLA_BENCH_CORPUS=0 skips it);
// - `--workers 2` against one worker on larger corpus models (bench/tla-workers.ts; TLA_BENCH_WORKERS=0
//   skips it): wall and CPU time, distinct states per second, the speed-up.
//   npx tsc -p tsconfig.json && node dist/bench/tla.js   (no flags but --help; the two sections above are skipped by
//   the environment variables named there)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSpec } from '../src/tla/check/index.js';
import { loadWithCfg } from '../src/tla/cli/load.js';
import { randomWalkTrace, validateParsed, validateTrace, type ParsedTrace } from '../src/tla/trace/index.js';
import { conformanceDir, REPO_ROOT } from '../test/support/paths.js';
import { behaviours, headerConstants, parseSimTrace, refinements } from '../src/conformance/index.js';
import { loadSpec, valueOps } from '../src/tla/front-end.js';
import { makeConfig, runSimulation } from '../src/sim/index.js';
import { corpusTable } from './tla-corpus.js';
import { workersTable } from './tla-workers.js';
import { benchFlags } from './flags.js';

// Before anything else (conformanceDir below throws without ../shared): --help works anywhere.
benchFlags({
  name: 'bench:tla',
  usage: ['npm run bench:tla', 'node dist/bench/tla.js   (after npx tsc -p tsconfig.json)'],
  description:
    "The TLA+ back end against TLC's published single-worker figures: model checking (PerfSorting, BenchRing),\n" +
    'end-to-end time of a tiny spec, trace validation (random walk, simulator traces), the public corpus\n' +
    '(../shared/tla-corpus, each model as a fresh process) and --workers 2 against one worker.',
  options: {},
  env: [
    { name: 'TLA_BENCH_CORPUS=0', help: 'skip the public corpus table (bench/tla-corpus.ts)' },
    { name: 'TLA_BENCH_WORKERS=0', help: 'skip the workers section (bench/tla-workers.ts)' },
  ],
});

// TLC's figures (one worker): a 724,000-state mutual-exclusion model, JVM start-up, trace validation.
const TLC_DISTINCT_PER_S = 38_000;
const TLC_GENERATED_PER_S = 142_000;
const TLC_STARTUP_S = 0.7; // 0.6-0.8 s
const TLC_TRACE_STEPS_PER_S = 650;
const GOAL_TINY_S = 0.3;
const GOAL_TRACE_STEPS_PER_S = 20_000;

// The repository root and ../shared/tla-conformance beside it (compiled to dist/bench/tla.js or not).
const repoRoot = REPO_ROOT;
const here = path.dirname(fileURLToPath(import.meta.url));
const shared = conformanceDir();

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function benchCheck(label: string, spec: string, cfg: string): Promise<void> {
  const l = await loadWithCfg(spec, cfg);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = checkSpec(l.spec, l.ops, l.cfg);
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuS = (cpu.user + cpu.system) / 1e6; // the machine is shared: CPU time is the steadier measure
  const st = r.stats;
  if (!st) throw new Error(`${label}: no stats (${r.verdict.kind})`);
  const d = st.distinct / s;
  const g = st.generated / s;
  console.log(`${label}: ${r.verdict.kind}, ${fmt(st.distinct)} distinct / ${fmt(st.generated)} generated in ${s.toFixed(2)} s wall, ${cpuS.toFixed(2)} s CPU (${fmt(st.distinct / cpuS)} distinct/s of CPU)`);
  console.log(`  ${fmt(d)} distinct/s (TLC ${fmt(TLC_DISTINCT_PER_S)}: x${(d / TLC_DISTINCT_PER_S).toFixed(2)}), ${fmt(g)} generated/s (TLC ${fmt(TLC_GENERATED_PER_S)}: x${(g / TLC_GENERATED_PER_S).toFixed(2)})`);
}

async function benchTiny(): Promise<void> {
  const spec = path.join(shared, 'InvViolTrace.tla');
  const t0 = performance.now();
  const l = await loadWithCfg(spec, path.join(shared, 'InvViolTrace.cfg'));
  const t1 = performance.now();
  checkSpec(l.spec, l.ops, l.cfg);
  const t2 = performance.now();
  console.log(`tiny spec in process (InvViolTrace, cold): load+parse ${((t1 - t0) / 1000).toFixed(3)} s (includes web-tree-sitter init), check ${((t2 - t1) / 1000).toFixed(3)} s`);
  const cli = path.resolve(here, '../src/tla/cli/index.js'); // beside the compiled bench
  if (!existsSync(cli)) {
    console.log('  (no compiled CLI beside this file: compile with npx tsc -p tsconfig.json for the process timing)');
    return;
  }
  const script = `import(${JSON.stringify(cli)}).then(async (m) => { process.exit(await m.runTlaCli(['check', ${JSON.stringify(spec)}], { out() {}, err() {} })); })`;
  // process.exit right after the run: without it the event loop lingers ~0.3-0.5 s after the work is
  // done (web-tree-sitter's wasm teardown), so the CLI's main should exit explicitly.
  const p0 = performance.now();
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  const ps = (performance.now() - p0) / 1000;
  console.log(
    `  fresh node process running 'tla check': ${ps.toFixed(3)} s (exit ${res.status}; goal < ${GOAL_TINY_S} s; TLC's JVM start-up alone ~${TLC_STARTUP_S} s: x${(TLC_STARTUP_S / ps).toFixed(2)} faster)`,
  );
}

async function benchTrace(): Promise<void> {
  const l = await loadWithCfg(path.join(repoRoot, 'bench/tla/BenchRing.tla'), path.join(repoRoot, 'bench/tla/BenchRing.cfg'));
  const lines = randomWalkTrace(l.spec, { ops: l.ops, steps: 10_000, seed: 42 });
  const t0 = performance.now();
  const r = validateTrace(l.spec, lines, { ops: l.ops });
  const s = (performance.now() - t0) / 1000;
  if (!r.ok) throw new Error(`trace validation failed: ${r.failure.message}`);
  const rate = r.steps / s;
  console.log(`trace validation (BenchRing, ${fmt(r.steps)} events, all variables): ${s.toFixed(3)} s, ${fmt(rate)} steps/s (goal ${fmt(GOAL_TRACE_STEPS_PER_S)}; TLC ~${TLC_TRACE_STEPS_PER_S}: x${(rate / TLC_TRACE_STEPS_PER_S).toFixed(0)})`);
  const partial = randomWalkTrace(l.spec, { ops: l.ops, steps: 10_000, seed: 43, vars: ['pc', 'turn'] });
  // process.exit right after the run: without it the event loop lingers ~0.3-0.5 s after the work is
  // done (web-tree-sitter's wasm teardown), so the CLI's main should exit explicitly.
  const p0 = performance.now();
  const rp = validateTrace(l.spec, partial, { ops: l.ops });
  const ps = (performance.now() - p0) / 1000;
  console.log(`trace validation (BenchRing, ${fmt(partial.length - 1)} events, pc and turn only): ${rp.ok ? 'valid' : 'INVALID'}, ${ps.toFixed(3)} s, ${fmt((partial.length - 1) / ps)} steps/s`);
}

/** Validation only (the spec loaded and the trace mapped beforehand), best of `reps` after one warm-up (short traces need many to warm up the JIT). */
async function timeValidation(mapped: ParsedTrace, reps: number): Promise<{ steps: number; s: number }> {
  const module = String(mapped.header.module);
  const spec = await loadSpec(path.join(repoRoot, `spec/${module}.tla`), headerConstants(mapped));
  let best = Infinity;
  let steps = 0;
  for (let k = 0; k <= reps; k++) {
    const t0 = performance.now();
    const r = validateParsed(spec, mapped, { ops: valueOps });
    const s = (performance.now() - t0) / 1000;
    if (!r.ok) throw new Error(`${module} validation failed: ${r.failure.message}`);
    steps = r.steps;
    if (k > 0) best = Math.min(best, s);
  }
  return { steps, s: best };
}

/** The kept traces and one larger run, mapped to each spec with a refinement mapping (src/conformance). */
async function benchSimTraces(): Promise<void> {
  const dir = path.join(repoRoot, 'traces');
  const kept = readdirSync(dir).filter((x) => x.endsWith('.ndjson')).sort().map((f) => parseSimTrace(readFileSync(path.join(dir, f), 'utf8')));
  // A larger run, as a property test records it (counts state): 5 nodes, 200 users, 2,000 messages, faults.
  const lines: string[] = [];
  const config = makeConfig({ seed: 7, nodes: 5, users: 200, messages: 2000, faults: { lossRate: 0.02, dupRate: 0.02, reorderRate: 0.05 } });
  runSimulation(config, { trace: { sink: (l) => lines.push(l), version: 'bench' } });
  const run = parseSimTrace(lines);
  for (const refinement of refinements) {
    let steps = 0;
    let secs = 0;
    for (const t of kept) {
      for (const b of behaviours(refinement.map(t))) {
        const r = await timeValidation(b, 20);
        steps += r.steps;
        secs += r.s;
      }
    }
    const rate = steps / secs;
    console.log(`trace validation (traces/*.ndjson mapped to ${refinement.module}, ${fmt(steps)} events, validation only): ${secs.toFixed(3)} s, ${fmt(rate)} steps/s (goal ${fmt(GOAL_TRACE_STEPS_PER_S)}; TLC ~${TLC_TRACE_STEPS_PER_S}: x${(rate / TLC_TRACE_STEPS_PER_S).toFixed(0)})`);
    const t0 = performance.now();
    const mapped = behaviours(refinement.map(run));
    const mapS = (performance.now() - t0) / 1000;
    const big = { steps: 0, s: 0 };
    for (const b of mapped) {
      const r = await timeValidation(b, 2);
      big.steps += r.steps;
      big.s += r.s;
    }
    console.log(
      `trace validation (simulator run mapped to ${refinement.module}, 5 nodes, 2,000 messages, ${fmt(big.steps)} events): validation ${big.s.toFixed(3)} s, ${fmt(big.steps / big.s)} steps/s; with parsing and mapping ${fmt(big.steps / (big.s + mapS))} steps/s`,
    );
  }
}

async function main(): Promise<void> {
  await benchTiny();
  await benchCheck('PerfSorting', path.join(shared, 'PerfSorting.tla'), path.join(shared, 'PerfSorting.cfg'));
  await benchCheck('BenchRing (N=5, K=4)', path.join(repoRoot, 'bench/tla/BenchRing.tla'), path.join(repoRoot, 'bench/tla/BenchRing.cfg'));
  await benchTrace();
  await benchSimTraces();
  if (process.env.TLA_BENCH_CORPUS !== '0') {
    console.log('\nPublic corpus (../shared/tla-corpus), each model as a fresh `porcupine tla check` process:');
    await corpusTable();
  }
  if (process.env.TLA_BENCH_WORKERS !== '0') {
    console.log('\nSeveral workers (tla check --workers 2 against 1, in process):');
    await workersTable();
  }
}

await main();
