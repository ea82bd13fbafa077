// The public TLA+ corpus (../shared/tla-corpus, see its README): 50 models of tlaplus/Examples with the
// verdict, exit code and counts a real TLC gave. Shared by the CI test (test/tla/corpus-*.test.ts) and the
// benchmark table (bench/tla.ts): reads the manifest, runs one row through `porcupine tla check` (in this
// process or in a child process) and says how the outcome differs from TLC's.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { clockTicks } from './proc-cpu.js';
import path from 'node:path';
import { runTlaCli } from '../../src/tla/cli/index.js';

export interface CorpusRow {
  /** spec and config, relative to the corpus folder. */
  readonly spec: string;
  readonly config: string;
  readonly result: 'success' | 'safety failure' | 'liveness failure';
  readonly distinct: number;
  readonly generated: number;
  readonly depth: number;
  readonly tlcExit: number;
  /** TLC's error line without "Error: ", e.g. `Invariant TypeOK is violated.`; '' on success. */
  readonly violation: string;
  readonly tlcSeconds: number;
}

export interface CorpusOutcome {
  readonly exit: number;
  /** The first `Error: ...` line without the prefix ('' when none). */
  readonly error: string;
  readonly distinct?: number;
  readonly generated?: number;
  readonly seconds: number;
  /** CPU seconds of the child process (user + system, every thread), when run as one: steadier than wall time on a shared machine. */
  readonly cpuSeconds?: number;
  /** The first lines of stderr, for the table's "why". */
  readonly stderr: string;
}

/** The corpus folder beside the repository (CI links `shared` there); a clear error when it is missing. */
export function corpusDir(repoRoot: string): string {
  const dir = path.resolve(repoRoot, '../shared/tla-corpus');
  if (!existsSync(path.join(dir, 'manifest.tsv'))) throw new Error(`TLA+ corpus not found: expected ${dir}/manifest.tsv (../shared/tla-corpus beside the repository)`);
  return dir;
}

export function readManifest(dir: string): CorpusRow[] {
  const lines = readFileSync(path.join(dir, 'manifest.tsv'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const head = lines[0].split('\t');
  const col = (name: string): number => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`manifest.tsv has no column ${name}`);
    return i;
  };
  return lines.slice(1).map((l) => {
    const f = l.split('\t');
    return {
      spec: f[col('spec')],
      config: f[col('config')],
      result: f[col('result')] as CorpusRow['result'],
      distinct: Number(f[col('distinct')]),
      generated: Number(f[col('generated')]),
      depth: Number(f[col('depth')]),
      tlcExit: Number(f[col('tlc_exit')]),
      violation: f[col('violation')] ?? '',
      tlcSeconds: Number(f[col('tlc_seconds')]),
    };
  });
}

/** A short name for a row: the spec's folder under specifications/ and the config's file name. */
export function rowName(r: CorpusRow): string {
  const folder = r.spec.replace(/^examples\/specifications\//, '').split('/')[0];
  return `${folder}/${path.basename(r.config, '.cfg')}`;
}

/** The arguments of `porcupine tla check` for a row: absolute paths, both library folders. */
export function checkArgs(dir: string, r: CorpusRow): string[] {
  return [path.join(dir, r.spec), '--config', path.join(dir, r.config), '--lib', path.join(dir, 'lib/tlaps'), '--lib', path.join(dir, 'lib/community'), '--progress-ms', '600000'];
}

export function parseReport(exit: number, out: readonly string[], err: readonly string[], seconds: number): CorpusOutcome {
  const all = [...out, ...err];
  const error = (all.find((l) => l.startsWith('Error: ')) ?? '').slice('Error: '.length);
  const counts = out.map((l) => /^([\d,]+) states generated, ([\d,]+) distinct states found/.exec(l)).find((m) => m !== null);
  const num = (s: string): number => Number(s.replace(/,/g, ''));
  return {
    exit,
    error,
    distinct: counts ? num(counts[2]) : undefined,
    generated: counts ? num(counts[1]) : undefined,
    seconds,
    stderr: err.slice(0, 3).join(' | ').slice(0, 300),
  };
}

/** Runs a row in this process (what the CI test does). */
export async function runInProcess(dir: string, r: CorpusRow): Promise<CorpusOutcome> {
  const out: string[] = [];
  const err: string[] = [];
  const t0 = performance.now();
  let exit: number;
  try {
    exit = await runTlaCli(['check', ...checkArgs(dir, r)], { out: (l) => out.push(l), err: (l) => err.push(l) });
  } catch (e) {
    err.push(`Error: internal error: ${e instanceof Error ? e.message : String(e)}`);
    exit = 255;
  }
  return parseReport(exit, out, err, (performance.now() - t0) / 1000);
}

/** Preloaded into the child: prints its CPU time (every thread) as the last stderr line. */
const CPU_REPORTER = "data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('\\ncpu-us '+(u.user+u.system)+'\\n')})";

/**
 * Runs a row as a fresh `node` process of the compiled CLI (what the benchmark times: start-up included, like
 * tlc_seconds). The time limit is on the child's CPU time where /proc gives it (a loaded machine stretches
 * wall time, not CPU time), with a wall-clock backstop of WALL_FACTOR times the limit.
 */
export async function runChild(dir: string, r: CorpusRow, cliJs: string, timeoutMs: number): Promise<CorpusOutcome> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--import', CPU_REPORTER, cliJs, 'tla', 'check', ...checkArgs(dir, r)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  let timedOut = false;
  const kill = (): void => {
    timedOut = true;
    child.kill('SIGKILL');
  };
  const poll = setInterval(() => {
    const cpuMs = child.pid === undefined ? undefined : childCpuMs(child.pid);
    if ((cpuMs !== undefined && cpuMs > timeoutMs) || performance.now() - t0 > timeoutMs * WALL_FACTOR) kill();
  }, 500);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearInterval(poll);
  const seconds = (performance.now() - t0) / 1000;
  const out = stdout.split('\n');
  const all = stderr.split('\n');
  const cpu = all.map((l) => /^cpu-us (\d+)$/.exec(l)).find((m) => m !== null);
  const err = all.filter((l) => !l.startsWith('Progress: ') && !l.startsWith('cpu-us '));
  if (timedOut || status === null) err.unshift(`Error: timed out after ${timeoutMs / 1000} s of CPU time`);
  return { ...parseReport(status ?? -1, out, err, seconds), cpuSeconds: cpu ? Number(cpu[1]) / 1e6 : undefined };
}

const WALL_FACTOR = 20;

/** A running process's CPU time (user + system) from /proc/PID/stat, or undefined off Linux. */
function childCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) in parentheses: utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/** How an outcome differs from TLC's row ([] when it matches): verdict, exit code, violation, counts on success. */
export function mismatches(r: CorpusRow, o: CorpusOutcome): string[] {
  const diffs: string[] = [];
  if (o.exit !== r.tlcExit) diffs.push(`exit ${o.exit} (TLC ${r.tlcExit})${o.error ? `: ${o.error}` : ''}`);
  if (r.result === 'success') {
    if (o.distinct !== r.distinct || o.generated !== r.generated) {
      diffs.push(`distinct/generated ${o.distinct ?? '-'}/${o.generated ?? '-'} (TLC ${r.distinct}/${r.generated})`);
    }
  } else if (o.error !== r.violation) diffs.push(`violation "${o.error}" (TLC "${r.violation}")`);
  return diffs;
}
