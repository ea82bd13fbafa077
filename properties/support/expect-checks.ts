// Turn checker verdicts into one assertion whose message names every failed check and its examples,
// so a property failure reads like a bug report (which message, which node, which user).
import type { CheckResult, SimResult } from '../../src/sim/index.js';

export function expectChecks(r: SimResult, checks: readonly CheckResult[]): void {
  const failed = checks.filter((c) => !c.ok);
  if (failed.length === 0) return;
  const lines = failed.map((c) => `${c.name} (${c.count}): ${c.examples.join('; ')}`);
  throw new Error(`seed ${r.config.seed}: ${lines.join('\n  ')}`);
}

/** A check built from a list of violations (for this suite's own, independent oracles). */
export function checkOf(name: string, violations: readonly string[]): CheckResult {
  return { name, ok: violations.length === 0, count: violations.length, examples: violations.slice(0, 5), soft: false };
}
