// Specs: every spec/MC*.cfg model-checked by the revision's own `porcupine tla check` (verdict, distinct
// states, diameter read from its TLC-format report), the runs' traces validated against the specs the
// revision's `tla validate` accepts them for, and the spec actions each spec defines (for coverage).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BuiltRevision } from './revisions.js';
import { pool, runNode } from './probe.js';

export interface ModelCheckResult {
  readonly model: string;
  /** 'ok', 'violation', 'error' (the checker refused or crashed), 'timeout'. */
  readonly verdict: 'ok' | 'violation' | 'error' | 'timeout';
  readonly distinct: number | null;
  readonly generated: number | null;
  readonly diameter: number | null;
  readonly exitCode: number;
  /** The violated property or the error line, when not ok. */
  readonly detail?: string;
  readonly seconds: number;
}

export function modelConfigs(dir: string): string[] {
  const specDir = join(dir, 'spec');
  if (!existsSync(specDir)) return [];
  return readdirSync(specDir)
    .filter((f) => /^MC.*\.cfg$/.test(f) && existsSync(join(specDir, f.replace(/\.cfg$/, '.tla'))))
    .sort();
}

/** Reads TLC's report lines (our checker prints TLC's format; so would TLC itself). */
export function parseCheckReport(stdout: string, exitCode: number): Omit<ModelCheckResult, 'model' | 'seconds'> {
  const counts = /([\d,]+) states generated, ([\d,]+) distinct states found/.exec(stdout);
  const depth = /The depth of the complete state graph search is (\d+)/.exec(stdout);
  const num = (s: string | undefined): number | null => (s === undefined ? null : Number(s.replace(/,/g, '')));
  const violated = /(Invariant \S+ is violated|Temporal properties were violated|Deadlock reached|Action property \S+ is violated)/.exec(stdout);
  const errorLine = stdout.split('\n').find((l) => /^Error:|error/i.test(l));
  const verdict: ModelCheckResult['verdict'] = exitCode === 0 ? 'ok' : exitCode >= 10 && exitCode <= 14 ? 'violation' : 'error';
  return {
    verdict,
    distinct: num(counts?.[2]),
    generated: num(counts?.[1]),
    diameter: num(depth?.[1]),
    exitCode,
    detail: verdict === 'ok' ? undefined : (violated?.[1] ?? errorLine?.trim() ?? `exit ${exitCode}`),
  };
}

export async function checkModel(rev: BuiltRevision, cfg: string, timeoutMs: number): Promise<ModelCheckResult> {
  const tla = cfg.replace(/\.cfg$/, '.tla');
  const t0 = process.hrtime.bigint();
  const r = await runNode([rev.cli, 'tla', 'check', tla, '--config', cfg], join(rev.dir, 'spec'), timeoutMs);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const model = basename(tla, '.tla');
  if (r.timedOut) return { model, verdict: 'timeout', distinct: null, generated: null, diameter: null, exitCode: -1, detail: `over ${timeoutMs / 1000} s`, seconds };
  return { model, seconds, ...parseCheckReport(r.stdout + '\n' + r.stderr, r.code) };
}

/**
 * The actions a spec defines: the operator definitions that Next refers to, directly or through other
 * definitions, whose body primes a variable or says UNCHANGED (so invariants and temporal properties that mention primes
 * but are not part of Next are not counted). This reads the source text, so it needs no evaluator and
 * works on any revision's spec.
 */
export function specActions(tlaSource: string): string[] {
  const source = tlaSource.replace(/\(\*[\s\S]*?\*\)/g, '').replace(/\\\*.*$/gm, '');
  const defs = [...source.matchAll(/^([A-Z][A-Za-z0-9_]*)\s*(\([^)]*\))?\s*==/gm)];
  const bodies = new Map<string, string>();
  for (let i = 0; i < defs.length; i++) {
    const start = (defs[i].index ?? 0) + defs[i][0].length;
    const end = i + 1 < defs.length ? (defs[i + 1].index ?? source.length) : source.length;
    bodies.set(defs[i][1], source.slice(start, end).split(/^={4,}/m)[0]);
  }
  const next = bodies.get('Next');
  if (next === undefined) return [];
  const actions = new Set<string>();
  const seen = new Set<string>(['Next']);
  const visit = (body: string): void => {
    for (const m of body.matchAll(/[A-Z][A-Za-z0-9_]*/g)) {
      const name = m[0];
      const b = bodies.get(name);
      if (b === undefined || seen.has(name)) continue;
      seen.add(name);
      if (/[A-Za-z_][A-Za-z0-9_]*'|\bUNCHANGED\b/.test(b)) actions.add(name);
      else visit(b);
    }
  };
  visit(next);
  return [...actions].sort();
}

/** Specs of a revision that are not model wrappers (spec/*.tla without the MC prefix), with their actions. */
export function specsOf(dir: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const specDir = join(dir, 'spec');
  if (!existsSync(specDir)) return out;
  for (const f of readdirSync(specDir).sort()) {
    if (!f.endsWith('.tla') || f.startsWith('MC')) continue;
    out.set(basename(f, '.tla'), specActions(readFileSync(join(specDir, f), 'utf8')));
  }
  return out;
}

export interface ValidationResult {
  readonly spec: string;
  /** Traces valid / invalid; `unsupported` when this revision's `tla validate` cannot map simulator traces to it. */
  readonly valid: number;
  readonly invalid: number;
  readonly unsupported: number;
  readonly firstInvalid?: { readonly trace: string; readonly detail: string };
}

/** Validates each trace against `spec` with the revision's own validator (exit 0 valid, 1 invalid). */
export async function validateTraces(rev: BuiltRevision, spec: string, traces: readonly string[], jobs: number, timeoutMs: number): Promise<ValidationResult> {
  const specPath = join(rev.dir, 'spec', `${spec}.tla`);
  const results = await pool(
    traces.map((t) => () => runNode([rev.cli, 'tla', 'validate', specPath, t], rev.dir, timeoutMs)),
    jobs,
  );
  let valid = 0;
  let invalid = 0;
  let unsupported = 0;
  let firstInvalid: ValidationResult['firstInvalid'];
  results.forEach((r, i) => {
    if (r.code === 0) valid++;
    else if (r.code === 1) {
      invalid++;
      firstInvalid ??= { trace: traces[i], detail: (r.stdout + r.stderr).trim().split('\n').slice(0, 6).join(' | ') };
    } else unsupported++;
  });
  return { spec, valid, invalid, unsupported, firstInvalid };
}
