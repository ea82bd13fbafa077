// `porcupine tla check SPEC.tla [--config CFG] ...`: model-check and print TLC's text report.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { aliasPrinter, checkSpec, checkSpecWorkers, exitCode, parseWorkers, reportLines, traceToItf, traceToJson, verdictTrace, type CheckResult, type Stats } from '../check/index.js';
import { stamp } from '../check/report.js';
import { parseArgs } from './args.js';
import type { CliIo } from './io.js';
import { loadWithCfg, defaultCfgPath, type Loaded } from './load.js';
import { compareWithTlc, runTlc, tlcJar } from './tlc-compare.js';
import { exitForError } from './errors.js';

export const CHECK_HELP = `Usage: porcupine tla check SPEC.tla [options]

Model-checks SPEC.tla breadth-first like TLC and prints TLC's report format.

Options:
  --config CFG          the model's .cfg file (default: SPEC.cfg beside the spec)
  --lib DIR             a folder searched for modules after the spec's own (repeatable; the
                        TLA_PATH environment variable, ':'-separated, is searched after these)
  --workers N|auto      worker threads exploring in parallel (auto: one per core; default 1). The
                        verdict, the counts (also at a violation) and the counterexample are those
                        of one worker: results are committed in one-worker BFS order (TLC only
                        promises the counts of a complete run). Temporal properties are checked
                        after, in one thread, on the graph the workers explored. A spec that builds
                        new strings while exploring is explored again with 1 worker (a note says so)
  --no-deadlock         do not report deadlocks (like CHECK_DEADLOCK FALSE / TLC -deadlock)
  --dump-trace-json F   write the counterexample as TLC's -dumpTrace json (array of states)
  --dump-itf F          write the counterexample in Apalache's ITF
  --tlc                 also run TLC (java -cp $TLA2TOOLS_JAR tlc2.TLC -workers 1) and compare
                        verdict and counts; refused when TLA2TOOLS_JAR is not set
  --progress-ms N       progress line on stderr every N ms (default 5000)
  --max-memory MB       stop with exit 153 when the JS heap plus memory outside it (the seen set)
                        passes MB megabytes (default: 75% of the machine's or cgroup's memory); the
                        JS heap's own limit (NODE_OPTIONS=--max-old-space-size=MB) is enforced too
  --help                this text

Exit codes are TLC's: 0 success, 10 assumption, 11 deadlock, 12 invariant, 13 action/temporal
property, 14 Assert, 75 evaluation error, 150 spec error, 151 cfg error, 153 out of memory
(TLC's ERROR_SYSTEM; the message names the distinct states reached), 2 bad usage, 1 disagreement
with TLC (--tlc). See docs/tla.md.`;

export async function runCheck(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, {
    values: ['--config', '--lib', '--workers', '--dump-trace-json', '--dump-itf', '--progress-ms', '--max-memory'],
    switches: ['--no-deadlock', '--tlc', '--help'],
  });
  if (args.switches.has('--help')) {
    io.out(CHECK_HELP);
    return 0;
  }
  if (args.positional.length !== 1) {
    io.err('porcupine tla check: give exactly one SPEC.tla (see --help)');
    return 2;
  }
  const workersText = args.values.get('--workers') ?? '1';
  const workers = parseWorkers(workersText);
  if (workers === undefined) {
    io.err(`porcupine tla check: --workers ${workersText}: give a positive number or auto`);
    return 2;
  }
  const maxMemory = args.values.get('--max-memory');
  if (maxMemory !== undefined && !(Number(maxMemory) > 0)) {
    io.err(`porcupine tla check: --max-memory takes a positive number of megabytes, not ${maxMemory}`);
    return 2;
  }
  const jar = tlcJar();
  if (args.switches.has('--tlc') && jar === undefined) {
    io.err('porcupine tla check: --tlc needs env TLA2TOOLS_JAR pointing at an existing tla2tools.jar');
    return 2;
  }
  const specPath = args.positional[0];
  const cfgPath = args.values.get('--config') ?? defaultCfgPath(specPath);
  let loaded: Loaded;
  try {
    loaded = await loadWithCfg(specPath, cfgPath, { libs: args.lists.get('--lib') ?? [] });
  } catch (e) {
    return exitForError(e, io);
  }
  return checkLoaded(loaded, specPath, args, io, jar, workers);
}

async function checkLoaded(
  loaded: Loaded,
  specPath: string,
  args: ReturnType<typeof parseArgs>,
  io: CliIo,
  jar: string | undefined,
  workers: number,
): Promise<number> {
  const { spec, ops, cfg } = loaded;
  io.out(`Porcupine TLA+ checker (TLC-compatible report): breadth-first search with ${workers} worker${workers === 1 ? '' : 's'}`);
  io.out(`Parsing file ${path.basename(specPath)}`);
  io.out(`Starting... (${stamp()})`);
  let result: CheckResult;
  try {
    const progressMs = Number(args.values.get('--progress-ms') ?? 5000);
    const opts = {
      noDeadlock: args.switches.has('--no-deadlock'),
      progressMs,
      maxMemoryBytes: args.values.has('--max-memory') ? Number(args.values.get('--max-memory')) * 2 ** 20 : undefined,
      onProgress: (s: Stats) =>
        io.err(`Progress: ${s.generated} states generated, ${s.distinct} distinct states found, ${s.queueLeft} states left on queue, ${Math.round((s.distinct * 1000) / Math.max(1, s.elapsedMs))} distinct states/s`),
    };
    const source = { specPath: path.resolve(specPath), cfgPath: path.resolve(loaded.cfgPath), libs: (args.lists.get('--lib') ?? []).map((d) => path.resolve(d)) };
    result = workers === 1 ? checkSpec(spec, ops, cfg, opts) : await checkSpecWorkers(spec, ops, cfg, { ...opts, workers, source, onNote: (l) => io.out(l) });
  } catch (e) {
    return exitForError(e, io);
  }
  const alias = cfg.alias ? spec.definition(cfg.alias.name) : undefined;
  if (cfg.alias && alias === undefined) io.err(`Warning: ALIAS ${cfg.alias.name} is not defined; printing variables.`);
  const lines = reportLines(result, spec, ops, alias ? aliasPrinter(spec, ops, alias) : undefined);
  for (const l of lines) io.out(l);
  const code = exitCode(result.verdict);
  dumpTraces(result, loaded, args.values, io);
  if (args.switches.has('--tlc') && jar !== undefined) {
    const firstError = (lines.find((l) => l.startsWith('Error: ')) ?? '').slice('Error: '.length);
    const diffs = compareWithTlc(result, code, firstError, runTlc(jar, specPath, loaded.cfgPath, args.switches.has('--no-deadlock')));
    if (diffs.length > 0) {
      io.err('TLC disagrees:');
      for (const d of diffs) io.err(`  ${d}`);
      return 1;
    }
    io.err('TLC agrees: same verdict and counts.');
  }
  return code;
}

function dumpTraces(result: CheckResult, loaded: Loaded, values: ReadonlyMap<string, string>, io: CliIo): void {
  const trace = verdictTrace(result.verdict);
  const jsonFile = values.get('--dump-trace-json');
  const itfFile = values.get('--dump-itf');
  if ((jsonFile || itfFile) && trace === undefined) io.err('No counterexample to dump.');
  if (trace === undefined) return;
  const vars = loaded.spec.variables;
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify(traceToJson(vars, trace, loaded.ops), null, 1) + '\n');
  if (itfFile) writeFileSync(itfFile, JSON.stringify(traceToItf(loaded.spec.moduleName, vars, trace, loaded.ops), null, 1) + '\n');
}

