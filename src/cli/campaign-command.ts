// `porcupine campaign`: many seeded simulations in parallel on worker threads, with progress, the trace of
// every failing run kept, and a closing table (runs, failures by check, the replay command of each failure).
// Exit codes: 0 every run passed, 1 some run failed, 2 bad usage.
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { relative, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { CAMPAIGN_DEFAULT_FAULTS, campaignRun, defaultRate, faultListText, simArgsOf, type CampaignOptions, type CampaignRun } from '../sim/campaign.js';
import { makeConfig, validateConfig } from '../sim/index.js';
import type { WorkerReply, WorkerRequest } from './campaign-worker.js';
import { UsageError, forEachFlag, parseFaultList, parseIntFlag, readCommandArgs } from './sim-command.js';

const DEFAULTS = { runs: 100, seed: 1, nodesMin: 3, nodesMax: 30, users: 500, messages: 1000, out: 'traces/failures' } as const;

const USAGE = `Usage: porcupine campaign [options]

Run many seeded simulations (each as 'porcupine sim' would) in parallel on worker threads and report which
checks failed. Run i's seed, cluster size and fault mix are derived from (--seed, i) alone, so every failure
replays by itself with the 'porcupine sim' command printed for it. Each run keeps every listed fault with
probability 3/4 (at least one), so runs combine network and node faults in varying mixes.

Options:
  --runs N           simulations to run (default ${DEFAULTS.runs})
  --seed S           campaign seed, 0 to 2^53-1 (default ${DEFAULTS.seed})
  --nodes A..B       cluster size range, uniform per run (default ${DEFAULTS.nodesMin}..${DEFAULTS.nodesMax}; --nodes N: all runs N nodes)
  --faults LIST      faults runs draw from, as for 'porcupine sim --faults' (default ${CAMPAIGN_DEFAULT_FAULTS.join(',')})
  --users U          users per run (default ${DEFAULTS.users})
  --messages M       SMTP deliveries per run (default ${DEFAULTS.messages})
  --jobs J           worker threads (default: one per core, here ${availableParallelism()})
  --out DIR          where the traces of failing runs go (default ${DEFAULTS.out}; replay: porcupine replay FILE)
  --progress-every N without a terminal: one progress line per N finished runs (default: every 5% of the runs)
  -h, --help         show this help

Progress goes to stderr (a bar on a terminal); the result table to stdout.
Exit status: 0 every run passed, 1 some run failed, 2 bad usage.`;

interface CampaignArgs {
  readonly options: CampaignOptions;
  readonly jobs: number;
  readonly outDir: string;
  readonly progressEvery: number | undefined;
}

function parseNodesRange(value: string | undefined): [number, number] {
  const m = value === undefined ? null : /^(\d+)(?:\.\.(\d+))?$/.exec(value);
  if (m === null) throw new UsageError(`--nodes needs N or A..B (e.g. 10..30), got ${value === undefined ? 'nothing' : `'${value}'`}`);
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 1 || b < a) throw new UsageError(`--nodes ${value}: the range must satisfy 1 <= A <= B`);
  return [a, b];
}

export function parseCampaignArgs(argv: readonly string[]): CampaignArgs | 'help' {
  let runs: number = DEFAULTS.runs;
  let seed: number = DEFAULTS.seed;
  let [nodesMin, nodesMax]: [number, number] = [DEFAULTS.nodesMin, DEFAULTS.nodesMax];
  let faults = CAMPAIGN_DEFAULT_FAULTS.map((kind) => ({ kind, rate: defaultRate(kind) }));
  let users: number = DEFAULTS.users;
  let messages: number = DEFAULTS.messages;
  let jobs = availableParallelism();
  let outDir: string = DEFAULTS.out;
  let progressEvery: number | undefined;
  const walked = forEachFlag(argv, (flag, value, arg) => {
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '--runs': runs = parseIntFlag(flag, value(), 1); break;
      case '--seed': seed = parseIntFlag(flag, value(), 0); break;
      case '--nodes': [nodesMin, nodesMax] = parseNodesRange(value()); break;
      case '--users': users = parseIntFlag(flag, value(), 1); break;
      case '--messages': messages = parseIntFlag(flag, value(), 0); break;
      case '--jobs': jobs = parseIntFlag(flag, value(), 1); break;
      case '--progress-every': progressEvery = parseIntFlag(flag, value(), 1); break;
      case '--faults': faults = parseFaultList(value()); break;
      case '--out': {
        const v = value();
        if (v === undefined || v === '') throw new UsageError('--out needs a directory');
        outDir = v;
        break;
      }
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
    return undefined;
  });
  if (walked === 'help') return 'help';
  const options: CampaignOptions = { seed, runs, nodesMin, nodesMax, faults, users, messages };
  // The largest and smallest runs must be valid 'porcupine sim' configs (replicas <= nodes, sizes, ...).
  for (const nodes of [nodesMin, nodesMax]) {
    const problems = validateConfig(makeConfig({ nodes, users, messages }));
    if (problems.length > 0) throw new UsageError(`runs of ${nodes} nodes: ${problems.join('; ')}`);
  }
  return { options, jobs: Math.min(jobs, runs), outDir, progressEvery };
}

interface Outcome {
  readonly run: CampaignRun;
  readonly reply: WorkerReply;
}

/** Runs every run on `jobs` workers, calling `done` as each finishes; resolves with all outcomes in run order. */
async function runAll(args: CampaignArgs, done: (o: Outcome) => void): Promise<Outcome[]> {
  const { options, jobs, outDir } = args;
  const outcomes: Outcome[] = [];
  let next = 0;
  const workerUrl = new URL('./campaign-worker.js', import.meta.url);
  const one = (): Promise<void> =>
    new Promise((resolveWorker, reject) => {
      const w = new Worker(workerUrl);
      let current: CampaignRun | undefined;
      const feed = (): void => {
        if (next >= options.runs) {
          current = undefined;
          void w.terminate().then(() => resolveWorker());
          return;
        }
        current = campaignRun(options, next++);
        const req: WorkerRequest = { run: current, campaignSeed: options.seed, outDir };
        w.postMessage(req);
      };
      w.on('message', (reply: WorkerReply) => {
        if (current !== undefined) {
          const o = { run: current, reply };
          outcomes.push(o);
          done(o);
        }
        feed();
      });
      w.on('error', (e) => reject(e));
      feed();
    });
  await Promise.all(Array.from({ length: jobs }, one));
  return outcomes.sort((a, b) => a.run.index - b.run.index);
}

function replayCommand(r: CampaignRun): string {
  return `porcupine sim ${simArgsOf(r).join(' ')}`;
}

/** The closing table: runs, failures by check, and one replay line per failing run. */
export function formatCampaignReport(args: CampaignArgs, outcomes: readonly Outcome[], wallMs: number): string {
  const o = args.options;
  const failed = outcomes.filter((x) => !x.reply.verdict.ok);
  const byCheck = new Map<string, number>();
  for (const f of failed) for (const c of f.reply.verdict.failed) byCheck.set(c.name, (byCheck.get(c.name) ?? 0) + 1);
  const lines = [
    `campaign seed ${o.seed}: ${o.runs} runs of ${o.nodesMin === o.nodesMax ? o.nodesMin : `${o.nodesMin}..${o.nodesMax}`} nodes, ${o.users} users, ${o.messages} messages; faults from ${faultListText(o.faults) || 'none'}`,
    `runs          ${outcomes.length}`,
    `passed        ${outcomes.length - failed.length}`,
    `failed        ${failed.length}`,
    `wall time     ${(wallMs / 1000).toFixed(1)} s on ${args.jobs} worker thread${args.jobs === 1 ? '' : 's'}`,
  ];
  if (byCheck.size > 0) {
    lines.push('failures by check (runs):');
    const width = Math.max(...[...byCheck.keys()].map((k) => k.length));
    for (const [name, n] of [...byCheck.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) lines.push(`  ${name.padEnd(width)}  ${n}`);
    lines.push('failing runs (each replays alone):');
    for (const f of failed) {
      const checks = f.reply.verdict.failed.map((c) => c.name).join(', ');
      lines.push(`  run ${f.run.index} (${f.run.nodes} nodes, seed ${f.run.seed}): ${checks}`);
      lines.push(`    ${replayCommand(f.run)}`);
      if (f.reply.tracePath !== undefined) lines.push(`    trace: ${f.reply.tracePath} (porcupine replay ${f.reply.tracePath})`);
      const example = f.reply.verdict.failed[0]?.example;
      if (example) lines.push(`    e.g. ${example.slice(0, 200)}`);
    }
  }
  lines.push(failed.length === 0 ? 'OK' : 'FAILED');
  return lines.join('\n');
}

export async function runCampaignCommand(argv: string[]): Promise<number> {
  const args = readCommandArgs('campaign', USAGE, parseCampaignArgs, argv);
  if (typeof args === 'number') return args;
  const outAbs = resolve(args.outDir);
  try {
    mkdirSync(outAbs, { recursive: true });
  } catch (e) {
    process.stderr.write(`porcupine campaign: cannot create --out ${args.outDir}: ${(e as Error).message}\n`);
    return 2;
  }
  const shown = relative(process.cwd(), outAbs) || '.';
  const total = args.options.runs;
  const started = Date.now();
  let finished = 0;
  let failures = 0;
  const tty = process.stderr.isTTY === true;
  const bar = tty ? new cliProgress.SingleBar({ format: 'campaign [{bar}] {value}/{total} runs | {failed} failed | {duration_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(total, 0, { failed: 0 });
  const every = args.progressEvery ?? Math.max(1, Math.round(total / 20));
  const outcomes = await runAll({ ...args, outDir: shown }, (o) => {
    finished++;
    if (!o.reply.verdict.ok) failures++;
    if (bar !== undefined) bar.update(finished, { failed: failures });
    else if (finished % every === 0 || finished === total) {
      process.stderr.write(`campaign: ${finished}/${total} runs, ${failures} failed, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
  });
  bar?.stop();
  process.stdout.write(formatCampaignReport(args, outcomes, Date.now() - started) + '\n');
  return failures === 0 ? 0 : 1;
}
