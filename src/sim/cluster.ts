// The cluster driver: boots N nodes on provisioned disks, runs the client workload through a fault phase,
// heals, runs the final check (every touched user listed and retrieved from every node), and returns what
// happened. `runSimulation` is a pure function of the config (and of the reducer's code).
import { emptyHardState, provisionUsers } from '../pure/hard-state.js';
import type { Input } from '../pure/io.js';
import type { NodeId, UserId } from '../pure/types.js';
import { USER_PASSWORD, USER_PREFIX, joinedNodeIds, nodeIds, userName, validateConfig, type ScheduledFault, type SimConfig } from './config.js';
import { fingerprint } from './digest.js';
import { History } from './history.js';
import { porcupineReducer, simCheckPassword, simVerifier } from './porcupine-reducer.js';
import { streamFor } from './prng.js';
import { holdersByUser, loadStats, spreadHistogram, type LoadStats, type SpreadHistogram } from './stats.js';
import { TraceRecorder } from './trace.js';
import { Membership, applyFault, healAll, type Destruction } from './faults.js';
import { randomFaults } from './random-faults.js';
import { ReconfigMonitor, type ReconfigStats } from './reconfig.js';
import type { NodeConfig } from '../pure/io.js';
import { World, type NodeReducer, type ReducerError, type WorldCounters } from './world.js';
import { Workload } from './workload.js';
import type { NetworkCounters } from './network.js';
import type { DiskBugs } from './disk.js';

export interface SimOptions {
  /** The node reducer; default the real one (src/pure/node.ts). Tests pass tiny fakes. */
  readonly reducer?: NodeReducer<unknown>;
  /**
   * Record a trace: each NDJSON line goes to `sink` (the caller writes the file), and/or, as the object it is
   * serialised from, to `objects` (in-process consumers such as trace validation skip the JSON round trip).
   */
  readonly trace?: { readonly sink?: (line: string) => void; readonly objects?: (line: Readonly<Record<string, unknown>>) => void; readonly version: string };
  /**
   * Safety invariant checked after every reducer step of the fault phase (and after): return a
   * description of the violation, or undefined. The first violation stops the run.
   */
  readonly invariant?: (world: World<unknown>, node: number, input: Input) => string | undefined;
  /** Seeded disk bugs (test/sim/trace-observes.test.ts only: shows a trace cannot hide them). */
  readonly diskBugs?: DiskBugs;
  /** Count the JSON bytes of every message sent (SimResult.cost.bytesSent); off by default as it costs time. */
  readonly countMessageBytes?: boolean;
}

export interface PhaseTimes {
  readonly faultPhaseEndMs: number;
  /** False when the fault phase hit its drain bound with sessions still open (they were abandoned). */
  readonly workloadCompleted: boolean;
  readonly healEndMs: number;
  readonly finalCheckEndMs: number;
  readonly finalCheckCompleted: boolean;
  /** Users the final check had to check, and how many it finished (all of them when it completed). */
  readonly finalCheckUsers: number;
  readonly finalCheckUsersDone: number;
  /** When the final check stalled: the users still being checked, each with the node it was at ("user5 at n3"). */
  readonly finalCheckOutstanding: readonly string[];
}

export interface SimResult {
  readonly config: SimConfig;
  readonly history: History;
  /** Fingerprints of digestNode of every node at the end (computed on first access). */
  readonly digests: Readonly<Record<NodeId, string>>;
  readonly nodesUp: readonly NodeId[];
  readonly world: WorldCounters;
  readonly network: NetworkCounters;
  readonly disk: { readonly writesDurable: number; readonly writesLost: number; readonly flushes: number };
  /** Messages sent by kind (before network loss or duplication), in kind order. */
  readonly sendsByKind: Readonly<Record<string, number>>;
  /** Whether `world.sendBytes` was counted (SimOptions.countMessageBytes). */
  readonly messageBytesCounted: boolean;
  readonly errors: readonly ReducerError[];
  /** Invariant violations (the run stopped at the first). */
  readonly violations: readonly string[];
  readonly load: LoadStats;
  /** For each user with mail, the nodes durably holding some of it. */
  readonly holders: ReadonlyMap<UserId, readonly NodeId[]>;
  readonly spread: SpreadHistogram;
  readonly phases: PhaseTimes;
  /** The faults that ran: config.schedule plus the random node faults drawn from the seed, in time order. */
  readonly schedule: readonly ScheduledFault[];
  /** Views installed, membership changes (nodes' views; joins/leaves/disk losses injected) and convergence. */
  readonly reconfig: ReconfigStats & {
    readonly joins: number;
    readonly leaves: number;
    readonly disksLost: number;
    /** Nodes that left or lost their disk, in time order: copies they held then are gone for good. */
    readonly destructions: readonly Destruction[];
  };
  /** Reducer steps and virtual time at the end. */
  readonly steps: number;
  readonly endMs: number;
}

export function runSimulation(config: SimConfig, options: SimOptions = {}): SimResult {
  const problems = validateConfig(config);
  if (problems.length > 0) throw new RangeError(`invalid simulation config: ${problems.join('; ')}`);
  const schedule = [...config.schedule, ...randomFaults(config)].sort((a, b) => a.atMs - b.atMs);
  const initial = nodeIds(config.nodes);
  // Nodes that join later get a slot (and an empty disk) from the start; they boot at their join.
  const ids = [...initial, ...joinedNodeIds(schedule, config.nodes)];
  const history = new History(config.recordClientOps, config.users);
  // Every disk, including a joiner's and a wiped one, holds the provisioned user directory and no mail.
  const blankDisk = provisionUsers(emptyHardState(), { prefix: USER_PREFIX, count: config.users, verifier: simVerifier(USER_PASSWORD) });
  const world = new World<unknown>(
    options.reducer ?? (porcupineReducer as NodeReducer<unknown>),
    {
      ids,
      nodeConfig: nodeConfigOf(config, initial),
      network: config.network,
      faults: config.faults,
      diskLatencyMs: config.diskLatencyMs,
      diskServiceMsByNode: config.diskServiceMsByNode,
      passwordCheckMs: config.passwordCheckMs,
      initialHard: blankDisk,
      checkPassword: simCheckPassword,
      ...(options.diskBugs !== undefined ? { diskBugs: options.diskBugs } : {}),
      countMessageBytes: options.countMessageBytes === true,
    },
    streamFor(config.seed, 'entropy'),
    streamFor(config.seed, 'network'),
    { onReply: () => undefined },
  );
  const workload = new Workload(world, config.workload, history, streamFor(config.seed, 'workload'), config.users, config.messages, config.seed);
  const recorder = options.trace !== undefined ? new TraceRecorder(options.trace.sink, world, config, options.trace.objects) : undefined;
  const violations: string[] = [];
  const membership = new Membership(blankDisk);
  for (let i = initial.length; i < ids.length; i++) membership.absent.add(i);
  workload.left = membership.left;
  const monitor = new ReconfigMonitor(world, membership.absent);
  wireHooks(world, workload, recorder, options, violations, monitor);
  recorder?.header(options.trace?.version ?? '0.0.0');
  const phases = runPhases({ config, schedule, world, workload, history, recorder, membership, monitor });
  const reconfig = { ...monitor.stats(), joins: membership.joins, leaves: membership.leaves, disksLost: membership.disksLost, destructions: membership.destructions };
  return collect(config, world, history, violations, phases, recorder, { schedule, reconfig }, options.countMessageBytes === true);
}

/**
 * The nodes' configuration: the initial members are every node's seeds (a joiner finds the cluster through
 * them); `replicas` 0 or absent selects the unreplicated path, which the node knows as "replicas unset".
 */
function nodeConfigOf(config: SimConfig, seeds: readonly string[]): NodeConfig {
  const { replicas, ackReplicas, ...rest } = config.node;
  if (replicas === undefined || replicas === 0) return { nodes: seeds, ...rest };
  return { nodes: seeds, ...rest, replicas, ...(ackReplicas !== undefined ? { ackReplicas } : {}) };
}

function wireHooks(
  world: World<unknown>,
  workload: Workload,
  recorder: TraceRecorder | undefined,
  options: SimOptions,
  violations: string[],
  monitor: ReconfigMonitor,
): void {
  const invariant = options.invariant;
  world.hooks = {
    onReply: (node, session, reply) => workload.onReply(node, session, reply),
    onNodeDown: (node) => workload.onNodeDown(node),
    onTrace: recorder !== undefined ? (node, action, args) => recorder.event(node, action, args) : undefined,
    afterStep:
      recorder === undefined && invariant === undefined
        ? (node) => monitor.afterStep(node)
        : (node, input) => {
            monitor.afterStep(node);
            recorder?.afterStep();
            const v = invariant?.(world, node, input);
            if (v !== undefined) {
              violations.push(`step ${world.counters.steps} at ${world.nodes[node].id}: ${v}`);
              world.halted = true;
            }
          },
  };
}

interface RunParts {
  readonly config: SimConfig;
  readonly schedule: readonly ScheduledFault[];
  readonly world: World<unknown>;
  readonly workload: Workload;
  readonly history: History;
  readonly recorder: TraceRecorder | undefined;
  readonly membership: Membership;
  readonly monitor: ReconfigMonitor;
}

function runPhases({ config, schedule, world, workload, history, recorder, membership, monitor }: RunParts): PhaseTimes {
  const p = config.phases;
  const f = config.faults;
  const skewRng = streamFor(config.seed, 'skew');
  for (let i = 0; i < world.nodes.length; i++) {
    if (f.clockSkewMsMax > 0) world.setSkew(i, Math.round((skewRng.nextFloat() * 2 - 1) * f.clockSkewMsMax));
    if (!membership.absent.has(i)) world.boot(i);
  }
  world.runUntil(() => false, p.warmupMs);
  recorder?.phase('fault');
  world.network.faultsOn = f.lossRate > 0 || f.dupRate > 0 || f.reorderRate > 0;
  const faultStart = Math.max(world.now, p.warmupMs);
  workload.start(faultStart);
  let inFaultPhase = true;
  // Count the faults that ran rather than compare times: several faults may fall on the same instant, and
  // the phase must not end between them.
  let faultsRun = 0;
  for (const fault of schedule) {
    world.at(faultStart + fault.atMs, () => {
      if (!inFaultPhase) return;
      faultsRun++;
      applyFault(world, fault, recorder, membership);
    });
  }
  // The fault phase lasts until the workload is done and every scheduled fault happened, or until the drain
  // bound, which counts from the time the last arrival happened (unknown in advance).
  let drainDeadline = Infinity;
  world.runUntil(() => {
    if (workload.done() && faultsRun === schedule.length) return true;
    if (drainDeadline === Infinity && workload.arrivalsFinished()) drainDeadline = world.now + p.drainMsMax;
    return world.now > drainDeadline;
  }, Infinity);
  const workloadCompleted = workload.done();
  if (!workloadCompleted) workload.abandon();
  const faultPhaseEndMs = world.now;
  inFaultPhase = false;

  recorder?.phase('heal');
  healAll(world, recorder, membership);
  monitor.watchHeal(faultPhaseEndMs, faultPhaseEndMs + p.healMs);
  world.runUntil(() => false, faultPhaseEndMs + p.healMs);
  const healEndMs = world.now;

  recorder?.phase('final');
  let finalDone = p.finalCheck === 'none';
  const users = finalDone ? [] : finalCheckUsers(config, history);
  let usersDone = 0;
  let outstanding: string[] = [];
  if (!finalDone) {
    workload.finalCheck(users, p.finalCheckConcurrency, () => (finalDone = true), () => usersDone++);
    // The final check's length grows with the workload (users x nodes sessions), so it has no fixed budget: it
    // runs while it makes progress, and stops only when no user's check finished for finalCheckMsMax.
    for (let doneBefore = -1; !finalDone && usersDone > doneBefore; ) {
      doneBefore = usersDone;
      world.runUntil(() => finalDone, world.now + p.finalCheckMsMax);
    }
    if (!finalDone) {
      outstanding = workload.finalCheckInProgress();
      workload.abandon();
    }
  }
  return {
    faultPhaseEndMs, workloadCompleted, healEndMs, finalCheckEndMs: world.now, finalCheckCompleted: finalDone,
    finalCheckUsers: users.length, finalCheckUsersDone: usersDone, finalCheckOutstanding: outstanding,
  };
}

function finalCheckUsers(config: SimConfig, history: History): UserId[] {
  if (config.phases.finalCheck === 'all') return Array.from({ length: config.users }, (_, i) => userName(i));
  return history.touchedUserIndices().map(userName);
}

function collect(
  config: SimConfig,
  world: World<unknown>,
  history: History,
  violations: string[],
  phases: PhaseTimes,
  recorder: TraceRecorder | undefined,
  faults: Pick<SimResult, 'schedule' | 'reconfig'>,
  messageBytesCounted: boolean,
): SimResult {
  // Digests render every node's whole state: computed on first use only (benchmarks never ask).
  let digests: Record<NodeId, string> | undefined;
  const computeDigests = (): Record<NodeId, string> => {
    if (digests !== undefined) return digests;
    digests = {};
    for (const [id, d] of Object.entries(world.digests())) digests[id] = fingerprint(d);
    return digests;
  };
  const holders = holdersByUser(world);
  let writesDurable = 0;
  let writesLost = 0;
  let flushes = 0;
  for (const n of world.nodes) {
    writesDurable += n.disk.writesDurable;
    writesLost += n.disk.writesLost;
    flushes += n.disk.flushes;
  }
  const sendsByKind: Record<string, number> = {};
  for (const k of [...world.sendsByKind.keys()].sort()) sendsByKind[k] = world.sendsByKind.get(k) ?? 0;
  const result: SimResult = {
    config, history,
    get digests() {
      return computeDigests();
    },
    nodesUp: world.nodes.filter((n) => n.up).map((n) => n.id),
    world: { ...world.counters }, network: { ...world.network.counters }, disk: { writesDurable, writesLost, flushes }, sendsByKind,
    messageBytesCounted,
    errors: world.errors, violations, load: loadStats(world), holders, spread: spreadHistogram(holders), phases,
    steps: world.counters.steps, endMs: world.now, schedule: faults.schedule, reconfig: faults.reconfig,
  };
  recorder?.end({ acknowledged: history.counters.acknowledged, errors: world.errors.length, violations: violations.length });
  return result;
}
