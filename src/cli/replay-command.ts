// `porcupine replay FILE`: re-run a recorded simulation from its trace header (config and seed) and check
// that it produces the identical trace: the same events, the same state digests at every checkpoint.
// Exit codes: 0 identical, 1 diverged, 2 bad usage or unreadable file.
import { readFileSync } from 'node:fs';
import { replayTrace } from '../sim/index.js';
import { packageVersion } from './sim-command.js';
import { translators } from '../conformance/from-spec/index.js';
import { TlaError } from '../tla/api.js';

const translatorSummaries = translators.map((t) => `${t.module} (${t.summary})`).join('; ');

const USAGE = `Usage: porcupine replay FILE
       porcupine replay --from-spec CE.json [--ack-replicas N]

Re-run the simulation recorded in FILE (an NDJSON trace written by 'porcupine sim --trace FILE') from the
config and seed in its header, and check that the run is identical: the same sequence of events and the
same state digests of every node at every recorded checkpoint. Prints OK, or the first line that differs.
Then validate the trace against the specs that have a refinement mapping (spec/MailStore.tla,
spec/PorcupineReplication.tla): prints that it is a behaviour of each, or the first step where spec and
implementation part ways, with the spec variables whose traced value differs from every state the spec
allows there.

--from-spec CE.json replays a model-checker counterexample against the implementation instead: CE.json is
'porcupine tla check --dump-trace-json' output (TLC's -dumpTrace json) or ITF ('--dump-itf', Apalache).
The spec is recognised from the counterexample's variables (PorcupineReplication: hard, net, up, acked;
PorcupineMail: mail, mmap, mgr, up); each step between two states becomes inputs of the implementation,
run deterministically, with messages no step needs left in flight (lost):
  PorcupineReplication  an update, a push or ack delivered, a write completed, a crash, a boot, a lost disk
  PorcupineMail         a boot, a crash, a lost disk, a storeMsg or deleteMsgs (POP delete) at a node, a
                        fragment notice or a soft-state report delivered to the user's manager, a view
                        installed (the membership's proposal and commit delivered); Ack is stuttering (it
                        changes only history); a replicated delete (ReplPersist) is not driven
What the implementation then holds is mapped onto the spec's variables (PorcupineMail: through the
simulator-trace refinement mapping, up and mail, plus each running node's mail map and user map). A step the
implementation takes together with the one asked for (a manager noting its own fragment at once, a node's
report to itself) is matched when the counterexample takes it later. Prints each step with its inputs, then FOLLOWS, or PARTS WAYS at state
K with the spec and implementation values of the variables that differ.
Translators: ${translatorSummaries}.

Options:
  --from-spec CE.json   replay a counterexample of a spec (see above)
  --ack-replicas N      the implementation's ackReplicas for a PorcupineReplication counterexample (default 2,
                        as in its MC model; a PorcupineMail replay runs unreplicated nodes, AckReplicas 1)
  -h, --help            show this help

Exit status: 0 identical, 1 diverged, 2 bad usage or unreadable trace; also 1 when the trace is not a
behaviour of a spec. With --from-spec: 0 the implementation follows the counterexample, 1 it parts ways, 2 bad
usage, an unreadable or malformed counterexample, or one of a spec no translator replays.`;

const SHOW_MAX = 400;

function clip(s: string): string {
  return s.length > SHOW_MAX ? `${s.slice(0, SHOW_MAX)}… (${s.length} chars)` : s;
}

export async function runReplayCommand(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (argv.includes('--from-spec')) return replayFromSpec(argv);
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

/** `--from-spec CE.json [--ack-replicas N]`: a counterexample replayed against the implementation. */
async function replayFromSpec(argv: string[]): Promise<number> {
  const { parseCounterexample, translatorFor } = await import('../conformance/from-spec/index.js');
  const fail = (msg: string): number => {
    process.stderr.write(`porcupine replay: ${msg}\nUsage: porcupine replay --from-spec CE.json [--ack-replicas N]\n`);
    return 2;
  };
  const rest = [...argv];
  const take = (flag: string): string | undefined => {
    const k = rest.indexOf(flag);
    if (k < 0) return undefined;
    const [, v] = rest.splice(k, 2);
    return v;
  };
  const file = take('--from-spec');
  const ack = take('--ack-replicas') ?? '2';
  if (file === undefined || rest.length > 0) return fail(rest.length > 0 ? `unexpected '${rest[0]}'` : '--from-spec needs a file');
  if (!/^[1-9]\d*$/.test(ack)) return fail(`--ack-replicas wants a positive integer, got '${ack}'`);
  let ce;
  try {
    ce = parseCounterexample(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(`${file}: ${(e as Error).message}`);
  }
  const t = translatorFor(ce);
  if (t === undefined) return fail(`${file}: no translator for a counterexample with variables ${Object.keys(ce.states[0] ?? {}).join(', ')}; translators exist for: ${translators.map((x) => x.module).join(', ')}`);
  process.stdout.write(`Replaying ${file} (${ce.format === 'itf' ? 'ITF' : 'TLC json'}, ${ce.states.length} states) of ${t.module} against the implementation\n`);
  let out;
  try {
    out = t.replay(ce, { ackReplicas: Number(ack) });
  } catch (e) {
    // A counterexample whose variables are the spec's but whose values are not (hand-edited, truncated).
    if (!(e instanceof TlaError)) throw e;
    return fail(`${file}: ${e.message}`);
  }
  for (const s of out.steps) process.stdout.write(`  state ${s.state}: ${s.action}${s.inputs.length > 0 ? ` -- ${s.inputs.join('; ')}` : ''}\n`);
  if (out.kind === 'follows') {
    process.stdout.write(`FOLLOWS: the implementation reaches every state of the counterexample (${ce.states.length} states)\n`);
    for (const n of out.notes ?? []) process.stdout.write(`  note: ${n}\n`);
    return 0;
  }
  process.stdout.write(`PARTS WAYS at state ${out.state} (${out.action}): ${out.why}\n`);
  for (const [v, spec, impl] of out.differences) process.stdout.write(`  ${v}: spec ${spec}, implementation ${impl}\n`);
  return 1;
}
