// `--tlc`: run the real TLC (env TLA2TOOLS_JAR) on the same spec and cfg with one worker, and compare its
// verdict and counts with ours. There is no TLC in this repository's CI; the path is kept honest by
// refusing clearly when the jar is missing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { CheckResult } from '../check/index.js';

export interface TlcSummary {
  readonly exitCode: number;
  readonly verdict: string;
  readonly generated?: number;
  readonly distinct?: number;
}

export function tlcJar(): string | undefined {
  const jar = process.env.TLA2TOOLS_JAR;
  return jar && existsSync(jar) ? jar : undefined;
}

export function runTlc(jar: string, specPath: string, cfgPath: string, noDeadlock: boolean): TlcSummary {
  const args = ['-XX:+UseParallelGC', '-cp', jar, 'tlc2.TLC', '-workers', '1', '-cleanup', '-config', path.resolve(cfgPath)];
  if (noDeadlock) args.push('-deadlock');
  args.push(path.basename(specPath));
  const r = spawnSync('java', args, { cwd: path.dirname(path.resolve(specPath)), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.error) throw r.error;
  return summarizeTlcOutput(r.stdout ?? '', r.status ?? -1);
}

/** Reads TLC's stdout: the last count line and the first "Error:" line (or success). */
export function summarizeTlcOutput(stdout: string, exitCode: number): TlcSummary {
  const counts = [...stdout.matchAll(/^([\d,]+) states generated, ([\d,]+) distinct states found/gm)].pop();
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s.replace(/,/g, '')));
  const err = /^Error: (.*)$/m.exec(stdout);
  const verdict = err ? err[1] : /No error has been found/.test(stdout) ? 'success' : 'unknown';
  return { exitCode, verdict, generated: num(counts?.[1]), distinct: num(counts?.[2]) };
}

/** Differences between our result (already printed) and TLC's, as lines; empty when they agree. */
export function compareWithTlc(ours: CheckResult, ourExit: number, ourFirstError: string, tlc: TlcSummary): string[] {
  const diffs: string[] = [];
  if (tlc.exitCode !== ourExit) diffs.push(`exit code: ours ${ourExit}, TLC ${tlc.exitCode}`);
  const oursVerdict = ours.verdict.kind === 'success' ? 'success' : ourFirstError;
  if (oursVerdict !== tlc.verdict) diffs.push(`verdict: ours "${oursVerdict}", TLC "${tlc.verdict}"`);
  if (ours.stats?.generated !== tlc.generated) diffs.push(`generated: ours ${ours.stats?.generated}, TLC ${tlc.generated}`);
  if (ours.stats?.distinct !== tlc.distinct) diffs.push(`distinct: ours ${ours.stats?.distinct}, TLC ${tlc.distinct}`);
  return diffs;
}
