// `porcupine tla coverage SPEC.tla TRACE.ndjson...`: how many steps of the traces exercised each action of
// the spec. Simulator traces are mapped with the spec module's refinement (src/conformance) and validated
// first: a step counts only in a trace that is a behaviour of the spec.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { noRefinementMessage, refinementFor, validateSimTrace } from '../../conformance/index.js';
import { describeFailure } from '../trace/index.js';
import { parseArgs } from './args.js';
import type { CliIo } from './io.js';

export const COVERAGE_HELP = `Usage: porcupine tla coverage SPEC.tla TRACE.ndjson... [--require-all]

Validates each simulator trace against SPEC.tla (through the refinement mapping of the spec's module, as
'porcupine tla validate' does) and lists, for every action of the spec, how many steps of the valid traces
exercised it; actions no step exercised are listed last.

Options:
  --require-all   exit 1 when an action of the spec was never exercised
Exit codes: 0 every trace valid (and, with --require-all, every action exercised), 1 otherwise,
2 bad usage or no refinement mapping for the spec.`;

export async function runCoverage(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { values: [], switches: ['--help', '--require-all'] });
  if (args.switches.has('--help')) {
    io.out(COVERAGE_HELP);
    return 0;
  }
  const [specPath, ...traces] = args.positional;
  if (specPath === undefined || traces.length === 0) {
    io.err('porcupine tla coverage: give SPEC.tla and at least one TRACE.ndjson (see --help)');
    return 2;
  }
  const module = path.basename(specPath, '.tla');
  const refinement = refinementFor(module);
  if (refinement === undefined) {
    io.err(`porcupine tla coverage: ${noRefinementMessage(module)}`);
    return 2;
  }
  const counts = new Map<string, number>(Object.keys(refinement.actions).map((a) => [a, 0]));
  let invalid = 0;
  let steps = 0;
  for (const t of traces) {
    const v = await validateSimTrace(specPath, readFileSync(t, 'utf8'));
    if (!v.result.ok) {
      invalid++;
      io.out(`${t}: not a behaviour of ${module}; its steps are not counted`);
      for (const l of describeFailure(v.result.failure)) io.out(`  ${l}`);
      continue;
    }
    for (const ev of v.mapped.events) if (ev.action !== undefined) counts.set(ev.action, (counts.get(ev.action) ?? 0) + 1);
    steps += v.result.steps;
  }
  const rows = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const width = Math.max(...rows.map(([a]) => a.length));
  io.out(`Coverage of ${module} by ${traces.length - invalid} valid trace(s), ${steps} steps:`);
  for (const [a, n] of rows) io.out(`  ${a.padEnd(width)}  ${String(n).padStart(7)}`);
  const never = rows.filter(([, n]) => n === 0).map(([a]) => a);
  io.out(never.length === 0 ? `Every action of ${module} was exercised.` : `Never exercised (${never.length}): ${never.join(', ')}`);
  return invalid > 0 || (args.switches.has('--require-all') && never.length > 0) ? 1 : 0;
}
