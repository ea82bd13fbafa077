// `porcupine model`: the hardware model's experiments (src/hardware-model, issue 11). `list` names them;
// `run NAME... [--out DIR]` runs each, writes NAME.csv and its SVG charts into DIR, and prints the paper's
// targets next to the model's figures. Progress: a bar on a terminal, one line per point otherwise.
// Exit codes: 0 done (targets are reported, not enforced: the tests enforce them), 2 bad usage.
import cliProgress from 'cli-progress';
import { EXPERIMENTS, findExperiment, type Experiment, type Scale } from '../hardware-model/experiments/index.js';
import { runExperiment, writeExperiment, type PointDone } from '../hardware-model/experiment-runner.js';
import { checkTargets, formatTarget } from '../hardware-model/targets.js';

const DEFAULT_OUT = 'model-results';

const USAGE = `Usage: porcupine model list
       porcupine model run NAME... [--out DIR] [--short]

The hardware model: the simulator running the real node reducers with the costs of the paper's 1999
cluster (CPUs by clock rate, IDE/SCSI disks, one shared 1 Gb/s Ethernet segment; docs/hardware-model.md).
Each experiment runs its points one after the other and writes NAME.csv (one row per point) and its
charts as SVG into DIR, then prints the paper's targets with the model's figures.

Commands:
  list               the experiments, one per line
  run NAME...        run the named experiments ('all' = every one, in order)

Options:
  --out DIR          folder for the CSV and SVG files (default ./${DEFAULT_OUT}; created if missing)
  --short            short measurement windows and fewer points (what the CI tests run)
  -h, --help         show this help

Progress goes to stderr as a bar on a terminal, one line per point otherwise.`;

class UsageError extends Error {}

interface ModelArgs {
  readonly experiments: readonly Experiment[];
  readonly out: string;
  readonly scale: Scale;
}

function parseRunArgs(argv: readonly string[]): ModelArgs {
  const names: string[] = [];
  let out = DEFAULT_OUT;
  let scale: Scale = 'full';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError('--out needs a folder name');
      out = v;
    } else if (a === '--short') scale = 'short';
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else names.push(a);
  }
  if (names.length === 0) throw new UsageError(`name an experiment to run (one of: ${EXPERIMENTS.map((e) => e.name).join(', ')}, all)`);
  const experiments = names.flatMap((n) => {
    if (n === 'all') return [...EXPERIMENTS];
    const e = findExperiment(n);
    if (e === undefined) throw new UsageError(`unknown experiment '${n}' (known: ${EXPERIMENTS.map((x) => x.name).join(', ')}, all)`);
    return [e];
  });
  return { experiments, out, scale };
}

/** A progress reporter for one experiment: a bar on a terminal, else one line per point. */
function progressFor(exp: Experiment, total: number): { point: (d: PointDone) => void; stop: () => void } {
  if (process.stderr.isTTY === true) {
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: `${exp.name} [{bar}] {value}/{total} points | {label}`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { label: '' });
    return { point: (d) => bar.update(d.index + 1, { label: `${d.point.label}: ${d.result.throughput.toFixed(1)} msg/s` }), stop: () => bar.stop() };
  }
  return {
    point: (d) =>
      process.stderr.write(
        `${exp.name} ${d.index + 1}/${d.total} ${d.point.label}: ${d.result.throughput.toFixed(1)} msg/s ` +
          `(${d.result.deliveries} deliveries, ${(d.wallMs / 1000).toFixed(1)} s)\n`,
      ),
    stop: () => undefined,
  };
}

async function runOne(exp: Experiment, args: ModelArgs): Promise<void> {
  const progress = progressFor(exp, exp.points(args.scale).length);
  let outcome;
  try {
    outcome = runExperiment(exp, args.scale, progress.point);
  } finally {
    progress.stop();
  }
  const written = await writeExperiment(args.out, exp, outcome.rows);
  process.stdout.write(`${exp.name}: ${exp.title} — ${(outcome.wallMs / 1000).toFixed(1)} s, wrote ${written.join(', ')}\n`);
  for (const t of checkTargets(exp.name, outcome.rows)) process.stdout.write(`  ${formatTarget(t)}\n`);
}

export async function runModelCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(USAGE + '\n');
    return sub === undefined ? 2 : 0;
  }
  try {
    if (sub === 'list') {
      if (rest.length > 0) throw new UsageError(`'model list' takes no arguments, got '${rest[0]}'`);
      for (const e of EXPERIMENTS) process.stdout.write(`${e.name.padEnd(14)} ${e.summary}\n`);
      return 0;
    }
    if (sub !== 'run') throw new UsageError(`unknown model command '${sub}' (list or run)`);
    if (rest.includes('-h') || rest.includes('--help')) {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    const args = parseRunArgs(rest);
    for (const exp of args.experiments) await runOne(exp, args);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`porcupine model: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
