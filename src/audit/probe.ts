// Runs a revision's own `porcupine` (its built dist/) as child processes, several at once: the CLI and its
// --json summary are the audit's only interface to a revision, so any two revisions can be compared even
// when their internals differ. Fields a revision does not report yet come back as absent, never guessed.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimSummary } from '../sim/summary.js';
import type { BuiltRevision } from './revisions.js';
import { simArgs, type Run } from './scenarios.js';

export interface CheckVerdict {
  readonly name: string;
  readonly ok: boolean;
  readonly soft: boolean;
  readonly count: number;
  readonly examples: readonly string[];
}

/** The parts of `porcupine sim --json` the audit reads (older revisions may lack `cost`). */
export interface RunSummary {
  readonly acknowledged: number;
  readonly steps: number;
  readonly checks: readonly CheckVerdict[];
  readonly anomalies?: { readonly afterBound?: Record<string, number>; readonly withinBound?: Record<string, number>; readonly duringFaults?: Record<string, number> } | null;
  /** As this revision's `porcupine sim` prints it (absent from revisions older than the cost counters). */
  readonly cost?: SimSummary['cost'];
  readonly ok: boolean;
}

export interface RunOutcome {
  readonly run: Run;
  readonly exitCode: number;
  readonly summary?: RunSummary;
  /** Why there is no summary (crash, usage error, timeout), or stderr worth showing. */
  readonly error?: string;
  readonly tracePath: string;
  /** CPU seconds (user + system) the run's process used, when measured. */
  readonly cpuSeconds?: number;
}

export interface ChildResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

/** Runs `node args…` with a time limit; never rejects. */
export function runNode(args: readonly string[], cwd: string, timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + String(e), timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, timedOut });
    });
  });
}

/** Runs `tasks` with at most `jobs` at once, in order of start; results in the tasks' order. */
export async function pool<T>(tasks: readonly (() => Promise<T>)[], jobs: number, onDone?: (done: number) => void): Promise<T[]> {
  const out: T[] = new Array<T>(tasks.length);
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, tasks.length)) }, worker));
  return out;
}

// A preload that reports the process's CPU time when it exits (the CLI calls process.exit, so a wrapper
// around main() would not see the end). Written next to the audit's outputs and loaded with --import.
const CPU_PROBE = `import { writeFileSync } from 'node:fs';
const out = process.env.PORCUPINE_AUDIT_CPU_FILE;
if (out) process.on('exit', () => { const u = process.cpuUsage(); writeFileSync(out, String((u.user + u.system) / 1e6)); });
`;

export function writeCpuProbe(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'cpu-probe.mjs');
  writeFileSync(path, CPU_PROBE);
  return path;
}

function parseSummary(stdout: string): RunSummary | undefined {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const v = JSON.parse(line) as RunSummary;
    return Array.isArray(v.checks) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One seeded simulation at a revision, with its trace. `--count-bytes` is asked for first; a revision that
 * predates it answers with a usage error (exit 2), and the run is repeated without it.
 */
export async function runSimulation(rev: BuiltRevision, run: Run, traceDir: string, timeoutMs: number): Promise<RunOutcome> {
  mkdirSync(traceDir, { recursive: true });
  const tracePath = join(traceDir, `run-${run.index}-seed-${run.seed}.ndjson`);
  const base = [rev.cli, 'sim', ...simArgs(run), '--json', '--trace', tracePath];
  let r = await runNode([...base, '--count-bytes'], rev.dir, timeoutMs);
  if (r.code === 2 && /--count-bytes/.test(r.stderr)) r = await runNode(base, rev.dir, timeoutMs);
  if (r.timedOut) return { run, exitCode: -1, tracePath, error: `timed out after ${timeoutMs} ms` };
  const summary = parseSummary(r.stdout);
  if (summary === undefined) return { run, exitCode: r.code, tracePath, error: `no summary (exit ${r.code}): ${r.stderr.trim().slice(-600)}` };
  return { run, exitCode: r.code, summary, tracePath };
}

let cpuSamples = 0;

/** A traceless run whose CPU time is measured (for deliveries per CPU second). */
export async function runCostSample(rev: BuiltRevision, run: Run, probe: string, scratch: string, timeoutMs: number): Promise<RunOutcome> {
  const cpuFile = join(scratch, `cpu-${process.pid}-${++cpuSamples}.txt`);
  const r = await runNode(['--import', probe, rev.cli, 'sim', ...simArgs(run), '--json'], rev.dir, timeoutMs, { ...process.env, PORCUPINE_AUDIT_CPU_FILE: cpuFile });
  const summary = parseSummary(r.stdout);
  let cpuSeconds: number | undefined;
  try {
    cpuSeconds = Number(readFileSync(cpuFile, 'utf8'));
  } catch {
    cpuSeconds = undefined;
  }
  return { run, exitCode: r.code, summary, tracePath: '', cpuSeconds, error: summary === undefined ? `no summary (exit ${r.code})` : undefined };
}
