// One run of the hardware model: the simulator's world with the model's costs in place of zero time, the
// real node reducer, the paper's closed-loop workload; deliveries counted over a measurement window after a
// ramp, with the busy time of every CPU, disk and the segment over the same window (DESIGN.md §8).
import { emptyHardState, provisionUsers } from '../pure/hard-state.js';
import type { NodeConfig } from '../pure/io.js';
import { NO_FAULTS, USER_PASSWORD, USER_PREFIX, nodeIds, type WorkloadConfig } from '../sim/config.js';
import { History } from '../sim/history.js';
import { porcupineReducer, simCheckPassword, simVerifier } from '../sim/porcupine-reducer.js';
import { streamFor } from '../sim/prng.js';
import { World, type NodeReducer } from '../sim/world.js';
import { Workload } from '../sim/workload.js';
import { HardwareCosts, type CostSettings, type Meters } from './cost-model.js';
import type { Machine } from './machines.js';
import { WORKLOAD } from './parameters.js';
import { bodySizeSampler } from './paper-workload.js';

export interface ModelFault {
  /** Time after the load starts, ms. */
  readonly atMs: number;
  readonly kind: 'crash' | 'restart';
  /** Node indexes (0-based). */
  readonly nodes: readonly number[];
}

export interface ModelRunSpec {
  readonly machines: readonly Machine[];
  /** 0 = the unreplicated path; 2 = two replicas, acknowledged after the first (the paper's mode). */
  readonly replicas: number;
  readonly loadPolicy?: NodeConfig['loadPolicy'];
  readonly spread?: number;
  /** Recipient popularity: Zipf with this exponent, or uniform (no skew). */
  readonly zipfExponent?: number | 'uniform';
  readonly bodySizes?: 'paper' | { readonly fixedBytes: number };
  /** Fraction of sessions that are POP (default the paper's 10%; 0 counts delivery work alone). */
  readonly popFraction?: number;
  readonly clientsPerNode?: number;
  /** Boot and membership before any load, ms of virtual time. */
  readonly warmupMs?: number;
  /** Load on but not measured (queues fill, mailboxes start), ms. */
  readonly rampMs: number;
  readonly measureMs: number;
  readonly seed?: number;
  readonly costs?: CostSettings;
  readonly faults?: readonly ModelFault[];
  /** Record deliveries per interval of this many ms from the load's start (the failure timeline). */
  readonly sampleEveryMs?: number;
}

export interface ModelRunResult {
  readonly nodes: number;
  /** Deliveries acknowledged (SMTP 250) per second of the measurement window. */
  readonly throughput: number;
  readonly deliveries: number;
  /** Per node, fraction of the window its CPU was busy. */
  readonly cpuUtil: readonly number[];
  /** Per node, fraction of the window its disks were busy (mean over the node's disks). */
  readonly diskUtil: readonly number[];
  readonly segmentUtil: number;
  /** Durable writes per delivery over the window (all nodes). */
  readonly writesPerDelivery: number;
  readonly wireBytesPerDelivery: number;
  readonly failedDeliveries: number;
  /** Deliveries per second in each sample interval (when sampleEveryMs is set): [start s, rate]. */
  readonly timeline: readonly (readonly [number, number])[];
  /** Reducer steps simulated (for the benchmark). */
  readonly steps: number;
}

const DEFAULT_WARMUP_MS = 5_000;

export function runModel(spec: ModelRunSpec): ModelRunResult {
  const n = spec.machines.length;
  const ids = nodeIds(n);
  const users = WORKLOAD.usersPerNode * n;
  const costs = new HardwareCosts(spec.machines, spec.costs);
  const blankDisk = provisionUsers(emptyHardState(), { prefix: USER_PREFIX, count: users, verifier: simVerifier(USER_PASSWORD) });
  const seed = spec.seed ?? 1;
  const world = new World<unknown>(
    porcupineReducer as NodeReducer<unknown>,
    {
      ids, nodeConfig: nodeConfig(spec, ids), network: { delayMs: 0, jitterMs: 0, linkDelayMs: {} }, faults: NO_FAULTS,
      diskLatencyMs: 0, passwordCheckMs: 0, initialHard: blankDisk, checkPassword: simCheckPassword, costs,
    },
    streamFor(seed, 'entropy'),
    streamFor(seed, 'network'),
    { onReply: () => undefined },
  );
  costs.now = () => world.now;
  const history = new History(false, users);
  const workload = new Workload(world, workloadConfig(spec), history, streamFor(seed, 'workload'), users, Number.MAX_SAFE_INTEGER, seed, {
    bodyBytes: bodySizeSampler(spec.bodySizes ?? 'paper'),
    clients: (spec.clientsPerNode ?? WORKLOAD.clientsPerNode) * n,
  });
  world.hooks = { onReply: (node, s, r) => workload.onReply(node, s, r), onNodeDown: (node) => workload.onNodeDown(node) };

  for (let i = 0; i < n; i++) world.boot(i);
  const loadStart = spec.warmupMs ?? DEFAULT_WARMUP_MS;
  world.runUntil(() => false, loadStart);
  workload.start(loadStart);
  for (const f of spec.faults ?? []) {
    world.at(loadStart + f.atMs, () => f.nodes.forEach((i) => (f.kind === 'crash' ? world.crash(i) : world.restart(i))));
  }
  const timeline = sampleTimeline(world, history, loadStart, spec);
  const t0 = loadStart + spec.rampMs;
  const t1 = t0 + spec.measureMs;
  world.runUntil(() => false, t0);
  if (world.halted) throw new Error(`model run stopped: a reducer threw: ${world.errors[0]?.error}`);
  const m0 = costs.meters(t0);
  const acked0 = history.counters.acknowledged;
  const failed0 = history.counters.failed;
  world.runUntil(() => false, t1);
  if (world.halted) throw new Error(`model run stopped: a reducer threw: ${world.errors[0]?.error}`);
  const m1 = costs.meters(t1);
  const deliveries = history.counters.acknowledged - acked0;
  return summarise(spec, m0, m1, deliveries, history.counters.failed - failed0, timeline, world.counters.steps);
}

function nodeConfig(spec: ModelRunSpec, ids: readonly string[]): NodeConfig {
  const base = { nodes: ids, loadPolicy: spec.loadPolicy ?? 'dynamic', spread: spec.spread ?? 2, messageSizeMaxBytes: 10 * 1024 * 1024 };
  // The paper acknowledged a delivery once the coordinator had it (ackReplicas 1, PORCUPINE.md).
  return spec.replicas > 0 ? { ...base, replicas: spec.replicas, ackReplicas: 1 } : base;
}

function workloadConfig(spec: ModelRunSpec): WorkloadConfig {
  const z = spec.zipfExponent ?? WORKLOAD.zipfExponent;
  return {
    distribution: z === 'uniform' ? 'uniform' : 'zipf',
    zipfExponent: z === 'uniform' ? 1 : z,
    popFraction: spec.popFraction ?? WORKLOAD.popFraction,
    arrivalIntervalMs: 0,
    bodyBytesMean: WORKLOAD.meanBodyBytes,
    smtpAttemptsMax: 3,
    smtpRetryDelayMs: 2_000,
    deleteProbability: WORKLOAD.deleteProbability,
    retrievesPerSessionMax: WORKLOAD.retrievesPerSessionMax,
    clientTimeoutMs: 30_000,
  };
}

function sampleTimeline(world: World<unknown>, history: History, loadStart: number, spec: ModelRunSpec): [number, number][] {
  const out: [number, number][] = [];
  const every = spec.sampleEveryMs;
  if (every === undefined) return out;
  const end = loadStart + spec.rampMs + spec.measureMs;
  let last = history.counters.acknowledged;
  for (let t = loadStart + every; t <= end; t += every) {
    const start = t - every;
    world.at(t, () => {
      const now = history.counters.acknowledged;
      out.push([(start - loadStart) / 1000, ((now - last) * 1000) / every]);
      last = now;
    });
  }
  return out;
}

function summarise(spec: ModelRunSpec, m0: Meters, m1: Meters, deliveries: number, failed: number, timeline: [number, number][], steps: number): ModelRunResult {
  const span = m1.t - m0.t;
  const n = spec.machines.length;
  const cpuUtil = Array.from({ length: n }, (_, i) => (m1.cpuBusyMs[i] - m0.cpuBusyMs[i]) / span);
  const diskUtil = Array.from({ length: n }, (_, i) => (m1.diskBusyMs[i] - m0.diskBusyMs[i]) / span / Math.max(1, spec.machines[i].disks.length));
  const writes = m1.diskWrites.reduce((a, b) => a + b, 0) - m0.diskWrites.reduce((a, b) => a + b, 0);
  const per = (x: number): number => (deliveries > 0 ? x / deliveries : 0);
  return {
    nodes: n,
    throughput: (deliveries * 1000) / span,
    deliveries,
    cpuUtil,
    diskUtil,
    segmentUtil: (m1.segmentBusyMs - m0.segmentBusyMs) / span,
    writesPerDelivery: per(writes),
    wireBytesPerDelivery: per(m1.segmentBytes - m0.segmentBytes),
    failedDeliveries: failed,
    timeline,
    steps,
  };
}
