// `porcupine replay FILE`: re-run a recorded simulation from its trace header (config and seed) and check
// that it produces the identical trace: the same events, the same state digests at every checkpoint.
// Exit codes: 0 identical, 1 diverged, 2 bad usage or unreadable file.
import { readFileSync } from 'node:fs';
import { replayTrace } from '../sim/index.js';
import { packageVersion } from './sim-command.js';

const USAGE = `Usage: porcupine replay FILE

Re-run the simulation recorded in FILE (an NDJSON trace written by 'porcupine sim --trace FILE') from the
config and seed in its header, and check that the run is identical: the same sequence of events and the
same state digests of every node at every recorded checkpoint. Prints OK, or the first line that differs.
Then validate the trace against the specs that have a refinement mapping (spec/MailStore.tla): prints
that it is a behaviour of each, or the first step where spec and implementation part ways, with the spec
variables whose traced value differs from every state the spec allows there.

Options:
  -h, --help   show this help

Exit status: 0 identical, 1 diverged, 2 bad usage or unreadable trace; also 1 when the trace is not a
behaviour of a spec.`;

const SHOW_MAX = 400;

function clip(s: string): string {
  return s.length > SHOW_MAX ? `${s.slice(0, SHOW_MAX)}… (${s.length} chars)` : s;
}

export async function runReplayCommand(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const unknown = argv.find((a) => a.startsWith('-'));
  if (unknown !== undefined || argv.length !== 1) {
    process.stderr.write(`porcupine replay: ${unknown !== undefined ? `unknown option '${unknown}'` : 'expected exactly one trace file'}\nUsage: porcupine replay FILE\n`);
    return 2;
  }
  const file = argv[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    process.stderr.write(`porcupine replay: cannot read ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  let verdict;
  try {
    verdict = replayTrace(text);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    process.stderr.write(`porcupine replay: ${file}: ${e.message}\n`);
    return 2;
  }
  const mine = packageVersion();
  if (verdict.recordedVersion !== mine) process.stdout.write(`note: recorded by porcupine ${verdict.recordedVersion}, replaying with ${mine}\n`);
  if (verdict.ok) process.stdout.write(`OK: ${file} replays identically (${verdict.linesCompared} lines)\n`);
  const d = verdict.divergence;
  if (!verdict.ok && d !== undefined) {
    process.stdout.write(`DIVERGED at line ${d.line}: ${d.what}\n  recorded: ${clip(d.expected)}\n  replayed: ${clip(d.actual)}\n`);
  }
  const conforms = await conformance(file, text);
  return verdict.ok && conforms ? 0 : 1;
}

/** Validates the recorded trace against every spec with a refinement mapping; prints the verdicts. */
async function conformance(file: string, text: string): Promise<boolean> {
  const { bundledSpec, refinements, validateSimTrace } = await import('../conformance/index.js');
  const { describeFailure } = await import('../tla/trace/index.js');
  let ok = true;
  for (const r of refinements) {
    const spec = bundledSpec(r.module);
    if (spec === undefined) {
      process.stdout.write(`note: spec/${r.module}.tla is not beside the package; ${file} was not validated against it\n`);
      continue;
    }
    const v = await validateSimTrace(spec, text);
    if (v.result.ok) {
      process.stdout.write(`CONFORMS: ${file} is a behaviour of ${r.module} (${v.result.steps} steps)\n`);
      continue;
    }
    ok = false;
    process.stdout.write(`NOT A BEHAVIOUR of ${r.module}: spec and implementation part ways here\n`);
    for (const l of describeFailure(v.result.failure)) process.stdout.write(`  ${l}\n`);
  }
  return ok;
}
