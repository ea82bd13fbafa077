// Random node faults (`--faults crash,restart,partition,join,leave,churn,loseDisk`): each kind with a rate
// (events per virtual second) becomes a Poisson process over the fault window, drawn from its own stream
// forked from the seed (so enabling one kind does not move another's faults), and is turned into plain
// scheduled faults before the run starts. The run then sees only `config.schedule` plus these, so a trace
// header (the config) still replays it.
import type { NodeFaultKind, ScheduledFault, SimConfig } from './config.js';
import { NODE_FAULT_KINDS, joinedNodeIds, nodeIds } from './config.js';
import { streamFor, type Prng } from './prng.js';

/** Shortest fault window: small runs still get a few seconds of faults. */
const WINDOW_MS_MIN = 10_000;
/** A random partition heals after a uniform time in [PARTITION_MS_MIN, PARTITION_MS_MAX). */
const PARTITION_MS_MIN = 2_000;
const PARTITION_MS_MAX = 8_000;
/** Churn: the replacement joins this long after the node it replaces left. */
const CHURN_JOIN_AFTER_MS = 1_000;
/** Faults never take the number of running members below this (a cluster of one cannot replicate). */
const LIVE_MIN = 2;

/** The window random faults fall in: the workload's expected arrival span, at least WINDOW_MS_MIN. */
export function faultWindowMs(c: SimConfig): number {
  return Math.max(WINDOW_MS_MIN, Math.round(c.messages * c.workload.arrivalIntervalMs));
}

interface Draft {
  readonly atMs: number;
  readonly kind: NodeFaultKind;
  readonly rng: Prng;
}

/** The random node faults of a run, in time order (empty when no node-fault rate is set). */
export function randomFaults(c: SimConfig): ScheduledFault[] {
  const rates = c.faults.nodeFaultRates ?? {};
  const window = faultWindowMs(c);
  const drafts: Draft[] = [];
  for (const kind of NODE_FAULT_KINDS) {
    const rate = rates[kind] ?? 0;
    if (!(rate > 0)) continue;
    const rng = streamFor(c.seed, `fault:${kind}`);
    for (let t = nextExp(rng, 1000 / rate); t < window; t += nextExp(rng, 1000 / rate)) drafts.push({ atMs: Math.round(t), kind, rng });
  }
  if (drafts.length === 0) return [];
  drafts.sort((a, b) => a.atMs - b.atMs || NODE_FAULT_KINDS.indexOf(a.kind) - NODE_FAULT_KINDS.indexOf(b.kind));
  return realise(c, drafts);
}

/** An exponential inter-arrival time with the given mean (inversion; 1 - u is in (0, 1]). */
function nextExp(rng: Prng, meanMs: number): number {
  return -meanMs * Math.log(1 - rng.nextFloat());
}

/** Walk the drafts in time order, tracking who is running, and pick each fault's node(s). */
function realise(c: SimConfig, drafts: readonly Draft[]): ScheduledFault[] {
  const running = nodeIds(c.nodes);
  const crashed: string[] = [];
  const explicit = joinedNodeIds(c.schedule, c.nodes).map((id) => Number(id.slice(1)));
  let nextId = Math.max(c.nodes, ...explicit) + 1;
  const out: ScheduledFault[] = [];
  const pick = (rng: Prng, from: string[]): string | undefined => (from.length === 0 ? undefined : from[rng.int(from.length)]);
  const stop = (rng: Prng): string | undefined => {
    if (running.length <= LIVE_MIN) return undefined;
    const n = pick(rng, running) as string;
    running.splice(running.indexOf(n), 1);
    return n;
  };
  const join = (atMs: number): void => {
    const node = `n${nextId++}`;
    running.push(node);
    out.push({ kind: 'join', atMs, node });
  };
  // A churn's replacement joins later: it is not running (and cannot be picked) before its join time.
  const pendingJoins: number[] = [];
  const joinsUpTo = (t: number): void => {
    while (pendingJoins.length > 0 && pendingJoins[0] <= t) join(pendingJoins.shift() as number);
  };
  for (const d of drafts) {
    joinsUpTo(d.atMs);
    switch (d.kind) {
      case 'crash': {
        const n = stop(d.rng);
        if (n !== undefined) (crashed.push(n), out.push({ kind: 'crash', atMs: d.atMs, node: n }));
        break;
      }
      case 'restart': {
        const n = pick(d.rng, crashed);
        if (n !== undefined) (crashed.splice(crashed.indexOf(n), 1), running.push(n), out.push({ kind: 'restart', atMs: d.atMs, node: n }));
        break;
      }
      case 'loseDisk': {
        const n = pick(d.rng, running);
        if (n !== undefined) out.push({ kind: 'loseDisk', atMs: d.atMs, node: n });
        break;
      }
      case 'partition':
        out.push(...partition(d, running));
        break;
      case 'join':
        join(d.atMs);
        break;
      case 'leave':
      case 'churn': {
        const n = stop(d.rng);
        if (n !== undefined) out.push({ kind: 'leave', atMs: d.atMs, node: n });
        if (d.kind === 'churn') pendingJoins.push(d.atMs + CHURN_JOIN_AFTER_MS); // ascending: drafts are
        break;
      }
    }
  }
  joinsUpTo(Infinity);
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** A random split of the running nodes into two non-empty groups, healed (every link) a few seconds later. */
function partition(d: Draft, running: readonly string[]): ScheduledFault[] {
  if (running.length < 2) return [];
  const shuffled = [...running];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = d.rng.int(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
  }
  const cut = 1 + d.rng.int(shuffled.length - 1);
  const healAfter = PARTITION_MS_MIN + d.rng.int(PARTITION_MS_MAX - PARTITION_MS_MIN);
  return [
    { kind: 'partition', atMs: d.atMs, groups: [shuffled.slice(0, cut), shuffled.slice(cut)] },
    { kind: 'healNetwork', atMs: d.atMs + healAfter },
  ];
}
