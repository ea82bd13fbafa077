// `porcupine tla validate SPEC.tla TRACE.ndjson [--config CFG]`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { behaviours, headerConstants, noRefinementMessage, parseSimTrace, refinementFor, refinements, validateBehaviours } from '../../conformance/index.js';
import { isRuntimeTrace, mergeRuntimeTraces } from '../../conformance/runtime-traces.js';
import { TlaError, type CfgConstant } from '../api.js';
import { constantMap } from '../cfg/index.js';
import { loadSpec } from '../front-end.js';
import { describeFailure, jsonToCfgValue, parseNdjson, type ParsedTrace } from '../trace/index.js';
import { parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { defaultCfgPath, readCfg } from './load.js';

export const VALIDATE_HELP = `Usage: porcupine tla validate SPEC.tla TRACE.ndjson... [--config CFG] [--init Init] [--next Next] [--enumerate] [--lib DIR]...

Checks that TRACE.ndjson is a behaviour of SPEC.tla.

A simulator trace (porcupine sim --trace FILE; first line {"kind":"header","spec":"Porcupine",...}) is
taken as recorded: the refinement mapping of the spec's module (src/conformance) turns each event into the
spec's variables and action arguments, and the constants come from the trace. Mapped specs:
${refinements.map((r) => `  spec/${r.module}.tla: ${r.summary}`).join("\n")}

A real cluster's traces (porcupine node --trace FILE, one file per node; header with "runtime") are given
together, one file per node, in any order: they are merged into one cluster trace (ordered by the host's
monotonic clock when all files come from one boot of one host, else by wall-clock time; the nodes' up/down
state follows from their Boot events) and validated like a simulator trace. See docs/runtime-traces.md.

Otherwise the first line is a header
{"module": ..., "constants": {...}}; each further line is an event
{"i": step, "t": time, "node": id, "action": "ActionName", "args": {...}, "state": {var: value, ...}}.
The first event (without an action, or with action "Init") must match an initial state; each later
event must be a step of Next labelled with its action whose successor agrees with the variables given.
Constants come from CFG (default SPEC.cfg when it exists), else from the header's "constants".

An event that gives its arguments as a list is checked by evaluating the named action with them bound
(fast); --enumerate enumerates every successor of Next for every event instead (the reference path, also
used whenever the fast path finds no matching successor, so failures are explained the same way).

Exit codes: 0 valid, 1 invalid (the line, expected action, differing variables and enabled actions are
printed, and for a malformed trace line), 2 bad usage or an unreadable trace file, 150 spec error,
151 cfg error.`;

export async function runValidate(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { values: ['--config', '--lib', '--init', '--next', '--max-candidates'], switches: ['--help', '--enumerate'] });
  if (args.switches.has('--help')) {
    io.out(VALIDATE_HELP);
    return 0;
  }
  if (args.positional.length < 2) {
    io.err('porcupine tla validate: give SPEC.tla and TRACE.ndjson (or one runtime trace per node; see --help)');
    return 2;
  }
  const [specPath, ...tracePaths] = args.positional;
  const tracePath = tracePaths.join(' ');
  if (!existsSync(specPath)) throw new TlaError('io', `cannot read the spec ${specPath}`);
  // An unreadable trace is bad usage (2), not a spec error: the help promises 150 only for the spec.
  const texts: string[] = [];
  for (const p of tracePaths) {
    try {
      texts.push(readFileSync(p, 'utf8'));
    } catch (e) {
      io.err(`porcupine tla validate: cannot read the trace ${p}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      return 2;
    }
  }
  const runtime = texts.map(isRuntimeTrace);
  if (texts.length > 1 && !runtime.every((r) => r)) {
    io.err('porcupine tla validate: several trace files must all be runtime node traces (porcupine node --trace), one per node');
    return 2;
  }
  const text = texts[0];
  let parts: readonly ParsedTrace[];
  let simulator = false;
  if (runtime[0]) {
    const module = path.basename(specPath, '.tla');
    const refinement = refinementFor(module);
    if (refinement === undefined) {
      io.err(`porcupine tla validate: ${tracePath} are runtime traces, and there is ${noRefinementMessage(module)}`);
      return 2;
    }
    const merged = mergeRuntimeTraces(tracePaths.map((name, k) => ({ name, text: texts[k] })));
    io.err(`Merged ${tracePaths.length} runtime trace file(s), ordered by ${merged.orderedBy === 'mono' ? "the host's monotonic clock" : 'wall-clock time'}.`);
    parts = behaviours(refinement.map(merged.trace));
    simulator = true;
  } else if (startsWithSimHeader(text)) {
    // A simulator trace as recorded: map it with the refinement mapping of the spec's module.
    const module = path.basename(specPath, '.tla');
    const refinement = refinementFor(module);
    if (refinement === undefined) {
      io.err(`porcupine tla validate: ${tracePath} is a simulator trace, and there is ${noRefinementMessage(module)}`);
      return 2;
    }
    parts = behaviours(refinement.map(parseSimTrace(text)));
    simulator = true;
  } else {
    parts = [parseNdjson(text)];
  }
  const trace = parts[0];
  const constants = simulator && !args.values.has('--config') ? headerConstants(trace) : constantsFor(specPath, args.values.get('--config'), trace);
  const spec = await loadSpec(specPath, constants, { libs: args.lists.get('--lib') ?? [] });
  if (trace.header.module !== undefined && trace.header.module !== spec.moduleName) {
    io.err(`Warning: the trace header names module ${String(trace.header.module)}, the spec is ${spec.moduleName}`);
  }
  const started = Date.now();
  // A simulator trace may map to several behaviours (one per replicated object): each must be one of the spec.
  const r = validateBehaviours(spec, parts, {
    init: args.values.get('--init'),
    next: args.values.get('--next'),
    maxCandidates: args.values.has('--max-candidates') ? Number(args.values.get('--max-candidates')) : undefined,
    direct: !args.switches.has('--enumerate'),
  });
  if (!r.ok) {
    for (const l of describeFailure(r.failure)) io.out(l);
    return 1;
  }
  const ms = Math.max(1, Date.now() - started);
  const of = parts.length > 1 ? ` (${parts.length} behaviours, one per replicated object)` : '';
  io.out(`Trace is a behaviour of ${spec.moduleName}${of}: ${r.steps} events validated in ${ms} ms (${Math.round((r.steps * 1000) / ms)} steps/s).`);
  return 0;
}

function constantsFor(specPath: string, cfgArg: string | undefined, trace: ParsedTrace): Map<string, CfgConstant> {
  const cfgPath = cfgArg ?? defaultCfgPath(specPath);
  if (cfgArg !== undefined || existsSync(cfgPath)) return constantMap(readCfg(cfgPath));
  const m = new Map<string, CfgConstant>();
  for (const [k, v] of Object.entries(trace.header.constants ?? {})) m.set(k, { kind: 'value', value: jsonToCfgValue(v, k) });
  return m;
}

/** Whether the first non-blank line is the simulator's header (`"kind":"header"` with a `"spec"`). */
function startsWithSimHeader(text: string): boolean {
  const first = text.slice(0, Math.max(0, text.indexOf('\n')) || text.length).trim();
  if (first === '') return false;
  try {
    const j = JSON.parse(first) as { kind?: unknown; spec?: unknown };
    return j.kind === 'header' && typeof j.spec === 'string';
  } catch {
    return false;
  }
}
