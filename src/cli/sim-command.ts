// `porcupine sim`: run a deterministic simulated cluster from a seed, print a summary, run the checkers.
// Exit codes: 0 every checker passed, 1 a checker failed, 2 bad usage.
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import {
  DEFAULT_CONFIG, DEFAULT_FAULT_RATES, FAULT_KINDS, NETWORK_FAULT_KINDS, NODE_FAULT_KINDS, NODE_FAULT_RATE_MAX, checkers, faultConfigOf, formatSummary,
  makeConfig, noAnomalyAfterBound, runSimulation, summarize, validateConfig,
  type DeepPartial, type FaultConfig, type FaultKind, type FaultRate, type SimConfig,
} from '../sim/index.js';

const USAGE = `Usage: porcupine sim [options]

Run a simulated Porcupine cluster deterministically from a seed: boot the nodes, deliver mail over SMTP to
random users through random nodes (Zipf-distributed recipients; 10% of sessions are POP sessions that
list, retrieve and delete), with the chosen faults; then heal and check that every acknowledged message is
retrievable exactly once, with an identical body, from every node. The summary also reports replication,
reconfiguration (epochs installed, membership changes, time to converge after the heal starts) and the
anomalies users saw (duplicates, deleted messages reappearing, missing messages) while faults were active,
within the convergence bound after, and after it (must be none).

Options:
  --nodes N          nodes in the cluster (default ${DEFAULT_CONFIG.nodes})
  --users U          provisioned users user0..user{U-1} (default ${DEFAULT_CONFIG.users})
  --messages M       SMTP deliveries to attempt (default ${DEFAULT_CONFIG.messages})
  --seed S           the seed every random choice derives from, 0 to 2^53-1 (default ${DEFAULT_CONFIG.seed})
  --faults LIST      comma-separated faults during the fault phase, each optionally =RATE (e.g. loss=0.1,dup,crash)
                     network (probability per message): ${NETWORK_FAULT_KINDS.map((k) => `${k}=${DEFAULT_FAULT_RATES[k]}`).join(', ')}
                     nodes (events per virtual second, at most ${NODE_FAULT_RATE_MAX}, drawn from the seed): ${NODE_FAULT_KINDS.map((k) => `${k}=${DEFAULT_FAULT_RATES[k]}`).join(', ')}
                       crash: a node stops; restart: a crashed node boots again with its disk; partition: a
                       random split, healed 2-8 s later; join: a new node n{N+1}... boots with no mail on disk;
                       leave: a node stops for good; churn: a node leaves and a new one joins 1 s later;
                       loseDisk: a node loses its disk for good and boots empty (new and wiped disks hold
                       only the provisioned user directory). The heal phase restores links and restarts
                       crashed nodes (not the ones that left).
  --replicas R       replication factor 1-3, at most --nodes (default ${DEFAULT_CONFIG.node.replicas}, lowered with a warning on a
                     smaller cluster), or 0 for the unreplicated path
  --ack-replicas K   durable copies before SMTP 250, 1..R (default min(2, R))
  --policy P         where mail is stored: dynamic (least loaded), static or random (default ${DEFAULT_CONFIG.node.loadPolicy})
  --spread K         soft bound on nodes holding one user's mail (default ${DEFAULT_CONFIG.node.spread})
  --distribution D   recipients: zipf or uniform (default ${DEFAULT_CONFIG.workload.distribution})
  --trace FILE       write the NDJSON trace to FILE (replay it with 'porcupine replay FILE')
  --trace-state S    what each trace event's "state" holds: counts (nodes up, messages stored per node;
                     default) or mailboxes (per user, per node, the stored message ids: small runs only)
  --config FILE      start from a JSON file of config overrides (any SimConfig field, e.g. "schedule":
                     [{"kind":"crash","atMs":300,"node":"n2"}], "faults":{"clockSkewMsMax":200});
                     the flags above override it
  --json             print exactly one JSON object (the summary) on stdout
  --count-bytes      also count the JSON bytes of every node-to-node message (summary cost.bytesSent;
                     slower, off by default)
  -h, --help         show this help

Exit status: 0 all checks passed, 1 a check failed, 2 bad usage.`;

export class UsageError extends Error {}

interface SimArgs {
  readonly config: SimConfig;
  readonly tracePath: string | undefined;
  readonly json: boolean;
  /** Adjustments made to the request (printed on stderr): e.g. R lowered to the cluster size. */
  readonly warnings: readonly string[];
  /** Count the JSON bytes of every node-to-node message (summary cost.bytesSent). */
  readonly countBytes: boolean;
}

export function parseIntFlag(flag: string, value: string | undefined, min: number): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`${flag} needs a whole number, got ${value === undefined ? 'nothing' : `'${value}'`}`);
  const n = Number(value);
  // Beyond 2^53 - 1 a JavaScript number cannot hold every integer: two different seeds would run the same.
  if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} must be at most ${Number.MAX_SAFE_INTEGER} (2^53 - 1), got ${value}`);
  if (n < min) throw new UsageError(`${flag} must be at least ${min}, got ${value}`);
  return n;
}

function readConfigFile(path: string | undefined): DeepPartial<SimConfig> {
  if (path === undefined) throw new UsageError('--config needs a file name');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --config ${path}: ${(e as Error).message}`);
  }
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not a JSON object');
    return v as DeepPartial<SimConfig>;
  } catch (e) {
    throw new UsageError(`--config ${path} is not a JSON object of config fields: ${(e as Error).message}`);
  }
}

function oneOf<T extends string>(flag: string, value: string | undefined, options: readonly T[]): T {
  if (value !== undefined && (options as readonly string[]).includes(value)) return value as T;
  const list = options.length === 2 ? options.join(' or ') : `${options.slice(0, -1).join(', ')} or ${options[options.length - 1]}`;
  throw new UsageError(`${flag} must be ${list}, got '${value ?? ''}'`);
}

/** `--faults` (of `sim` and `campaign`): each named fault with its rate, validated, in the order given. */
export function parseFaultList(list: string | undefined): FaultRate[] {
  if (list === undefined) throw new UsageError('--faults needs a list, e.g. --faults loss,dup,crash');
  const out: FaultRate[] = [];
  for (const item of list.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const [name, rateText] = item.split('=');
    if (!(FAULT_KINDS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown fault '${name}' in --faults (known: ${FAULT_KINDS.join(', ')}; clock skew via --config "faults":{"clockSkewMsMax":200})`);
    }
    const kind = name as FaultKind;
    const rate = rateText === undefined ? DEFAULT_FAULT_RATES[kind] : Number(rateText);
    if ((NODE_FAULT_KINDS as readonly string[]).includes(kind)) {
      if (!Number.isFinite(rate) || rate < 0 || rate > NODE_FAULT_RATE_MAX) {
        throw new UsageError(`--faults ${kind}=${rateText}: the rate must be a number of events per second (virtual time) in [0, ${NODE_FAULT_RATE_MAX}]`);
      }
    } else if (!Number.isFinite(rate) || rate < 0 || rate >= 1) {
      throw new UsageError(`--faults ${kind}=${rateText}: the rate must be a probability in [0, 1)`);
    }
    out.push({ kind, rate });
  }
  return out;
}

export function parseFaults(list: string | undefined): Partial<FaultConfig> {
  return faultConfigOf(parseFaultList(list));
}

export function parseSimArgs(argv: readonly string[]): SimArgs | 'help' {
  const partial: { seed?: number; nodes?: number; users?: number; messages?: number } = {};
  const node: { loadPolicy?: 'dynamic' | 'static' | 'random'; spread?: number; replicas?: number; ackReplicas?: number } = {};
  let faults: Partial<FaultConfig> = {};
  let distribution: 'zipf' | 'uniform' | undefined;
  let traceState: 'counts' | 'mailboxes' | undefined;
  let tracePath: string | undefined;
  let json = false;
  let countBytes = false;
  let base: DeepPartial<SimConfig> = {};
  const walked = forEachFlag(argv, (flag, value, arg) => {
    switch (flag) {
      case '-h': case '--help': return 'help';
      case '--json': json = true; break;
      case '--count-bytes': countBytes = true; break;
      case '--nodes': partial.nodes = parseIntFlag(flag, value(), 1); break;
      case '--users': partial.users = parseIntFlag(flag, value(), 1); break;
      case '--messages': partial.messages = parseIntFlag(flag, value(), 0); break;
      case '--seed': partial.seed = parseIntFlag(flag, value(), 0); break;
      case '--spread': node.spread = parseIntFlag(flag, value(), 1); break;
      case '--replicas': node.replicas = parseIntFlag(flag, value(), 0); break;
      case '--ack-replicas': node.ackReplicas = parseIntFlag(flag, value(), 1); break;
      case '--faults': faults = parseFaults(value()); break;
      case '--trace': {
        tracePath = value();
        if (tracePath === undefined || tracePath === '') throw new UsageError('--trace needs a file name');
        break;
      }
      case '--config': base = readConfigFile(value()); break;
      case '--policy': node.loadPolicy = oneOf(flag, value(), ['dynamic', 'static', 'random'] as const); break;
      case '--trace-state': traceState = oneOf(flag, value(), ['counts', 'mailboxes'] as const); break;
      case '--distribution': distribution = oneOf(flag, value(), ['zipf', 'uniform'] as const); break;
      default:
        throw new UsageError(`unknown option '${arg}'`);
    }
    return undefined;
  });
  if (walked === 'help') return 'help';
  // The default replication factor cannot exceed a smaller cluster: lowered, with a warning (`--nodes 1` then
  // acknowledges with one copy instead of refusing every message). An R the user asked for is never lowered:
  // validateConfig refuses it.
  const warnings: string[] = [];
  const nodes = partial.nodes ?? base.nodes ?? DEFAULT_CONFIG.nodes;
  if (node.replicas === undefined && base.node?.replicas === undefined && nodes < (DEFAULT_CONFIG.node.replicas ?? 0)) {
    node.replicas = nodes;
    warnings.push(`replication factor lowered to ${nodes} (the default R = ${DEFAULT_CONFIG.node.replicas} needs at least ${DEFAULT_CONFIG.node.replicas} nodes)`);
  }
  const config = makeConfig({
    ...base,
    ...partial,
    node: { ...base.node, ...node },
    faults: { ...base.faults, ...faults },
    workload: { ...base.workload, ...(distribution ? { distribution } : {}) },
    trace: { ...base.trace, ...(traceState ? { state: traceState } : {}) },
  });
  const problems = validateConfig(config);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return { config, tracePath, json, warnings, countBytes };
}

/** The package version, from the nearest package.json above this module (works from src/ and dist/src/). */
export function packageVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'porcupine-ts' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not there: try the next candidate
    }
  }
  return '0.0.0-unknown';
}

/** Buffered line writer: traces can have millions of lines. */
export function lineWriter(path: string): { sink: (line: string) => void; close: () => void } {
  const fd = openSync(path, 'w');
  let buf: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (buf.length > 0) writeSync(fd, buf.join(''));
    buf = [];
    size = 0;
  };
  return {
    sink: (line) => {
      buf.push(line, '\n');
      size += line.length + 1;
      if (size > 1 << 20) flush();
    },
    close: () => {
      flush();
      closeSync(fd);
    },
  };
}

/**
 * Parses a subcommand's arguments: the parsed arguments, or the exit code once `--help` was printed (0) or a
 * usage error was reported in one line (2).
 */
export function readCommandArgs<T>(command: string, usage: string, parse: (argv: readonly string[]) => T | 'help', argv: readonly string[]): T | number {
  let args: T | 'help';
  try {
    args = parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`porcupine ${command}: ${e.message}\nRun 'porcupine ${command} --help' for the options.\n`);
    return 2;
  }
  if (args === 'help') {
    process.stdout.write(usage + '\n');
    return 0;
  }
  return args;
}

/**
 * Walks the arguments flag by flag: `--flag=value` or `--flag value` (`value()` takes the next argument).
 * `onFlag` returns 'help' to stop at `--help`; it throws UsageError on a bad flag or value.
 */
export function forEachFlag(argv: readonly string[], onFlag: (flag: string, value: () => string | undefined, arg: string) => 'help' | undefined): 'help' | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq >= 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (onFlag(flag, () => inline ?? argv[++i], arg) === 'help') return 'help';
  }
  return undefined;
}

export async function runSimCommand(argv: string[]): Promise<number> {
  const args = readCommandArgs('sim', USAGE, parseSimArgs, argv);
  if (typeof args === 'number') return args;
  for (const w of args.warnings) process.stderr.write(`porcupine sim: warning: ${w}\n`);
  let writer: ReturnType<typeof lineWriter> | undefined;
  if (args.tracePath !== undefined) {
    try {
      writer = lineWriter(args.tracePath);
    } catch (e) {
      process.stderr.write(`porcupine sim: cannot write the trace to ${args.tracePath}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  let result;
  try {
    const trace = writer !== undefined ? { sink: writer.sink, version: packageVersion() } : undefined;
    result = runSimulation(args.config, { trace, countMessageBytes: args.countBytes });
  } finally {
    writer?.close();
  }
  const summary = summarize(result, [...checkers.checkAll(result), noAnomalyAfterBound(result)]);
  process.stdout.write((args.json ? JSON.stringify(summary) : formatSummary(summary)) + '\n');
  if (!args.json && args.tracePath !== undefined) process.stdout.write(`trace written to ${args.tracePath} (replay: porcupine replay ${args.tracePath})\n`);
  return summary.ok ? 0 : 1;
}
