// `porcupine tla validate SPEC.tla TRACE.ndjson [--config CFG]`.
import { existsSync, readFileSync } from 'node:fs';
import { TlaError, type CfgConstant } from '../api.js';
import { constantMap } from '../cfg/index.js';
import { loadSpec, valueOps } from '../front-end.js';
import { describeFailure, jsonToCfgValue, parseNdjson, validateParsed, type ParsedTrace } from '../trace/index.js';
import { parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { defaultCfgPath, readCfg } from './load.js';

export const VALIDATE_HELP = `Usage: porcupine tla validate SPEC.tla TRACE.ndjson [--config CFG] [--init Init] [--next Next] [--lib DIR]...

Checks that TRACE.ndjson is a behaviour of SPEC.tla. The first line is a header
{"module": ..., "constants": {...}}; each further line is an event
{"i": step, "t": time, "node": id, "action": "ActionName", "args": {...}, "state": {var: value, ...}}.
The first event (without an action, or with action "Init") must match an initial state; each later
event must be a step of Next labelled with its action whose successor agrees with the variables given.
Constants come from CFG (default SPEC.cfg when it exists), else from the header's "constants".

Exit codes: 0 valid, 1 invalid (the line, expected action, differing variables and enabled actions are
printed), 2 bad usage, 150 spec error, 151 cfg error.`;

export async function runValidate(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { values: ['--config', '--lib', '--init', '--next', '--max-candidates'], switches: ['--help'] });
  if (args.switches.has('--help')) {
    io.out(VALIDATE_HELP);
    return 0;
  }
  if (args.positional.length !== 2) {
    io.err('porcupine tla validate: give SPEC.tla and TRACE.ndjson (see --help)');
    return 2;
  }
  const [specPath, tracePath] = args.positional;
  if (!existsSync(specPath)) throw new TlaError('io', `cannot read the spec ${specPath}`);
  if (!existsSync(tracePath)) throw new TlaError('io', `cannot read the trace ${tracePath}`);
  const trace = parseNdjson(readFileSync(tracePath, 'utf8'));
  const spec = await loadSpec(specPath, constantsFor(specPath, args.values.get('--config'), trace), { libs: args.lists.get('--lib') ?? [] });
  if (trace.header.module !== undefined && trace.header.module !== spec.moduleName) {
    io.err(`Warning: the trace header names module ${String(trace.header.module)}, the spec is ${spec.moduleName}`);
  }
  const started = Date.now();
  const r = validateParsed(spec, trace, {
    ops: valueOps,
    init: args.values.get('--init'),
    next: args.values.get('--next'),
    maxCandidates: args.values.has('--max-candidates') ? Number(args.values.get('--max-candidates')) : undefined,
  });
  if (!r.ok) {
    for (const l of describeFailure(r.failure)) io.out(l);
    return 1;
  }
  const ms = Math.max(1, Date.now() - started);
  io.out(`Trace is a behaviour of ${spec.moduleName}: ${r.steps} events validated in ${ms} ms (${Math.round((r.steps * 1000) / ms)} steps/s).`);
  return 0;
}

function constantsFor(specPath: string, cfgArg: string | undefined, trace: ParsedTrace): Map<string, CfgConstant> {
  const cfgPath = cfgArg ?? defaultCfgPath(specPath);
  if (cfgArg !== undefined || existsSync(cfgPath)) return constantMap(readCfg(cfgPath));
  const m = new Map<string, CfgConstant>();
  for (const [k, v] of Object.entries(trace.header.constants ?? {})) m.set(k, { kind: 'value', value: jsonToCfgValue(v, k) });
  return m;
}
