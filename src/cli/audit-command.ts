// `porcupine audit [BASE] [HEAD]`: what a protocol change does, for code review (issue 12; src/audit/).
import cliProgress from 'cli-progress';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { audit, defaultJobs } from '../audit/audit.js';
import { renderHtml, renderMarkdown } from '../audit/render.js';
import { AuditUsageError, WORKING_TREE, buildRevision, defaultBase, removeRevision, repoRoot, resolveCommit, snapshotWorkingTree, type BuiltRevision } from '../audit/revisions.js';
import { defaultLimits } from '../audit/verdict.js';

const USAGE = `Usage: porcupine audit [BASE] [HEAD] [options]

Compares two revisions of this repository for code review. Each is checked out into a temporary git
worktree and built there (your working tree, index and dist/ are never touched). Then, side by side:
  1. behaviour: the same seeded simulations (a fixed mix of 3–12 nodes with network and node faults) at
     both revisions; per run, identical traces or the first step where they diverge (both events and the
     difference of the state they carry);
  2. checks: every simulator check and the anomalies after the convergence bound; each new failure with
     its replay command and its trace (rendered by HEAD's trace viewer when HEAD has one);
  3. specs: every spec/MC*.cfg model-checked (verdict, distinct states, diameter), the runs' traces
     validated against spec/*.tla where the revision can map them, and spec-action coverage;
  4. cost per acknowledged message (reducer steps, RPCs, bytes sent, durable writes, fsyncs) and
     simulated deliveries per CPU second, as HEAD/BASE with a noise estimate from repeated runs;
  5. names: trace events, message kinds and spec actions added or removed.

BASE defaults to the merge base of HEAD with main; HEAD defaults to the working tree (as it is now,
uncommitted and untracked files included). Either may be any git revision.

Options:
  --runs N               seeded simulations per revision (default 14: each scenario of the mix twice)
  --seed S               seed of the first run; run i uses S + i (default 1)
  --jobs J               simulations at once (default: the number of cores)
  --out DIR              where the report, traces and rendered traces go (default: a new temp folder)
  --format F             md (default), json or html: what is printed on stdout (all three are written to DIR)
  --cost-samples K       repetitions of the CPU-time run per revision, interleaved (default 3; 0 = skip)
  --no-specs             skip model checking and trace validation (coverage is still reported)
  --max-cost-ratio R     a per-message count above BASE × R is a regression (default ${defaultLimits.maxCostRatio})
  --min-speed-ratio R    deliveries per CPU second below BASE × R, minus the noise, regress (default ${defaultLimits.minSpeedRatio})
  --sim-timeout S        seconds one simulation may take (default 300)
  --spec-timeout S       seconds one model check or trace validation may take (default 300)
  --keep                 keep the temporary worktrees (their paths are printed)
  -h, --help             show this help

Progress goes to stderr. Exit status: 0 nothing regressed, 1 a check, spec or cost limit regressed,
2 bad usage (unknown revision, bad option, not a git repository), 3 a revision does not build.`;

interface AuditArgs {
  base?: string;
  head?: string;
  runs: number;
  seed: number;
  jobs: number;
  out?: string;
  format: 'md' | 'json' | 'html';
  costSamples: number;
  specs: boolean;
  maxCostRatio: number;
  minSpeedRatio: number;
  simTimeoutMs: number;
  specTimeoutMs: number;
  keep: boolean;
}

function num(flag: string, v: string | undefined, min: number, integer: boolean): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n) || n < min || (integer && !Number.isSafeInteger(n))) {
    throw new AuditUsageError(`${flag} needs ${integer ? 'a whole number' : 'a number'} ≥ ${min}${v === undefined ? '' : `, not '${v}'`}`);
  }
  return n;
}

export function parseAuditArgs(argv: readonly string[]): AuditArgs | 'help' {
  const a: AuditArgs = {
    runs: 14, seed: 1, jobs: defaultJobs(), format: 'md', costSamples: 3, specs: true,
    maxCostRatio: defaultLimits.maxCostRatio, minSpeedRatio: defaultLimits.minSpeedRatio, simTimeoutMs: 300_000, specTimeoutMs: 300_000, keep: false,
  };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? argv[++i];
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '--runs': a.runs = num(flag, value(), 1, true); break;
      case '--seed': a.seed = num(flag, value(), 0, true); break;
      case '--jobs': a.jobs = num(flag, value(), 1, true); break;
      case '--out': {
        const v = value();
        if (v === undefined || v === '') throw new AuditUsageError('--out needs a folder');
        a.out = v;
        break;
      }
      case '--format': {
        const v = value();
        if (v !== 'md' && v !== 'json' && v !== 'html') throw new AuditUsageError(`--format takes md, json or html${v === undefined ? '' : `, not '${v}'`}`);
        a.format = v;
        break;
      }
      case '--cost-samples': a.costSamples = num(flag, value(), 0, true); break;
      case '--no-specs': a.specs = false; break;
      case '--max-cost-ratio': a.maxCostRatio = num(flag, value(), 0, false); break;
      case '--min-speed-ratio': a.minSpeedRatio = num(flag, value(), 0, false); break;
      case '--sim-timeout': a.simTimeoutMs = num(flag, value(), 1, false) * 1000; break;
      case '--spec-timeout': a.specTimeoutMs = num(flag, value(), 1, false) * 1000; break;
      case '--keep': a.keep = true; break;
      default:
        if (arg.startsWith('-')) throw new AuditUsageError(`unknown option '${arg}'`);
        positional.push(arg);
    }
  }
  if (positional.length > 2) throw new AuditUsageError(`at most two revisions (BASE HEAD), got ${positional.length}: ${positional.join(' ')}`);
  [a.base, a.head] = positional;
  return a;
}

/**
 * Progress on stderr: on a terminal one cli-progress bar per phase (as `campaign` and `model run` show);
 * otherwise a line at the first, every tenth and the last step of each phase.
 */
function progressReporter(): { report: (phase: string, done: number, total: number) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let current = '';
  const end = (): void => {
    bar?.stop();
    bar = undefined;
  };
  return {
    report: (phase, done, total) => {
      if (!tty) {
        if (done === total || done === 1 || done % 10 === 0) process.stderr.write(`audit: ${phase} ${done}/${total}\n`);
        return;
      }
      if (phase !== current || bar === undefined) {
        end();
        current = phase;
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: `audit: ${phase} [{bar}] {value}/{total}`, hideCursor: true }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      }
      bar.update(done);
    },
    end,
  };
}

export async function runAuditCommand(argv: string[]): Promise<number> {
  let args: AuditArgs | 'help';
  let repo: string;
  let baseCommit: string;
  let headCommit: string;
  let headLabel: string;
  try {
    args = parseAuditArgs(argv);
    if (args === 'help') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    repo = repoRoot(process.cwd());
    baseCommit = args.base !== undefined ? resolveCommit(repo, args.base) : defaultBase(repo);
    headCommit = args.head !== undefined ? resolveCommit(repo, args.head) : snapshotWorkingTree(repo);
    headLabel = args.head ?? WORKING_TREE;
  } catch (e) {
    if (!(e instanceof AuditUsageError)) throw e;
    process.stderr.write(`porcupine audit: ${e.message}\nRun 'porcupine audit --help' for the options.\n`);
    return 2;
  }
  const out = resolve(args.out ?? mkdtempSync(join(tmpdir(), 'porcupine-audit-')));
  mkdirSync(out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'porcupine-audit-work-'));
  const progress = progressReporter();
  const built: BuiltRevision[] = [];
  try {
    const log = (line: string): void => {
      process.stderr.write(`audit: ${line}\n`);
    };
    for (const [label, commit] of [[args.base ?? 'merge base with main', baseCommit], [headLabel, headCommit]] as const) {
      log(`building ${label} (${commit.slice(0, 10)})`);
      try {
        built.push(buildRevision(repo, label, commit, work, log));
      } catch (e) {
        process.stderr.write(`porcupine audit: ${(e as Error).message}\n`);
        return 3;
      }
    }
    const report = await audit(built[0], built[1], {
      runs: args.runs, seed: args.seed, jobs: args.jobs, out, costSamples: args.costSamples, specs: args.specs,
      limits: { maxCostRatio: args.maxCostRatio, minSpeedRatio: args.minSpeedRatio },
      simTimeoutMs: args.simTimeoutMs, specTimeoutMs: args.specTimeoutMs, progress: progress.report,
    });
    progress.end();
    writeFileSync(join(out, 'report.json'), JSON.stringify(report, null, 2));
    const md = renderMarkdown(report);
    const html = renderHtml(report);
    writeFileSync(join(out, 'report.md'), md);
    writeFileSync(join(out, 'report.html'), html);
    process.stdout.write((args.format === 'json' ? JSON.stringify(report, null, 2) : args.format === 'html' ? html : md) + '\n');
    process.stderr.write(`audit: report written to ${join(out, 'report.md')}, report.html and report.json (traces under ${join(out, 'traces')})\n`);
    return report.exitCode;
  } finally {
    progress.end();
    if (args.keep) process.stderr.write(`audit: worktrees kept: ${built.map((b) => b.dir).join(' ')}\n`);
    else {
      for (const b of built) removeRevision(repo, b);
      rmSync(work, { recursive: true, force: true });
    }
  }
}
