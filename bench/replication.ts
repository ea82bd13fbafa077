// Benchmark of the replication manager (issue 5). For R = 1, 2, 3 it reports:
//   - durable records written per delivered message (object copies + log entries; the paper reports 3x the
//     disk writes for R = 2: the coordinator's copy, its log entry, the replica's copy);
//   - messages in flight per node (peak, during a burst of concurrent deliveries);
//   - RPC messages per delivered message;
//   - convergence time after heal: virtual ms from the end of a fault phase (loss, duplication, crashes)
//     until every replica agrees and every log entry retired (bound: takeoverAfterMs + pushRetryMaxMs).
// It drives the replication manager alone through the shared test driver's hand-scheduled replication cluster
// (test/support/replication-net.ts),
// with zero-latency disks and network, so the numbers are protocol costs, not hardware.
//   npm run bench:replication   (or: npx tsc -p tsconfig.json && node dist/bench/replication.js [--messages M] [--seed S])
//   (--help: every flag with its default)
import { convergenceBoundMs, defaultReplicationLimits } from '../src/pure/replication/limits.js';
import { mix32 } from '../src/pure/hash.js';
import { ReplicationNet as Net } from '../test/support/replication-net.js';
import { makeConfig, runSimulation } from '../src/sim/index.js';
import { benchFlags } from './flags.js';

const { values: flags } = benchFlags({
  name: 'bench:replication',
  usage: ['npm run bench:replication -- [options]', 'node dist/bench/replication.js [options]   (after npx tsc -p tsconfig.json)'],
  description:
    'The replication manager for R = 1, 2, 3 on 8 nodes, zero-latency disks and network: durable records and RPCs per\n' +
    'delivered message, peak messages in flight per node, convergence time after heal; then disk writes per\n' +
    'acknowledged message of the whole node in the simulator.',
  options: {
    messages: { type: 'number', default: 5_000, integer: true, min: 1, placeholder: 'M', help: 'deliveries per R (convergence runs use at most 1,000, the simulator at most 2,000)' },
    seed: { type: 'number', default: 1, integer: true, placeholder: 'S', help: 'seed of the pseudo-random choices' },
  },
});

const nodes = 8;
const ids = Array.from({ length: nodes }, (_, i) => `n${i + 1}`);
const config = { limits: defaultReplicationLimits, bugs: {} };

/** Deterministic pseudo-random stream (no Math.random: the numbers must be reproducible from --seed). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = mix32(x + 1)) / 2 ** 32;
}

function targetsFor(coord: number, r: number, rand: () => number): string[] {
  const others = ids.filter((_, i) => i !== coord);
  const out = [ids[coord]];
  while (out.length < r) {
    const pick = others.splice(Math.floor(rand() * others.length), 1)[0];
    out.push(pick);
  }
  return out;
}

function drain(net: Net, onStep?: () => void): void {
  for (;;) {
    let moved = false;
    for (const id of ids) {
      while (net.isUp(id) && net.writesInFlight(id) > 0) {
        net.completeDisk(id);
        moved = true;
      }
    }
    onStep?.();
    // Deliver in batches so the in-flight count reflects a burst, not one message at a time.
    const batch = net.inflight.length;
    for (let i = 0; i < batch; i++) (net.deliver(0), (moved = true));
    if (!moved) return;
  }
}

function writes(r: number, messages: number, seed: number): { records: number; rpcs: number; inflightPeak: number } {
  const net = new Net(ids, config);
  net.checkAcks = false;
  drain(net);
  const rand = rng(seed);
  const records0 = net.recordsWritten;
  const sent0 = net.messagesSent;
  let peak = 0;
  const burst = 64;
  for (let m = 0; m < messages; m += burst) {
    for (let k = 0; k < burst && m + k < messages; k++) {
      const coord = Math.floor(rand() * nodes);
      net.update(ids[coord], `s${m + k}`, { kind: 'message', user: `u${Math.floor(rand() * 1000)}`, msgId: `m${m + k}`, body: 'x', sizeBytes: 1 }, targetsFor(coord, r, rand), Math.min(2, r));
    }
    drain(net, () => (peak = Math.max(peak, net.inflight.length)));
  }
  return { records: (net.recordsWritten - records0) / messages, rpcs: (net.messagesSent - sent0) / messages, inflightPeak: peak / nodes };
}

function convergence(r: number, messages: number, seed: number): number {
  const net = new Net(ids, config);
  net.checkAcks = false;
  drain(net);
  const rand = rng(seed * 7 + r);
  for (let m = 0; m < messages; m++) {
    const coord = Math.floor(rand() * nodes);
    net.update(ids[coord], `s${m}`, { kind: 'message', user: `u${m % 50}`, msgId: `m${m}`, body: 'x', sizeBytes: 1 }, targetsFor(coord, r, rand), Math.min(2, r));
    // Fault phase: 20% loss, 5% duplication, a crash now and then, disks that lag.
    for (let i = 0; i < 3 && net.inflight.length > 0; i++) {
      const x = rand();
      net.deliver(Math.floor(rand() * net.inflight.length), x < 0.2 ? 'drop' : x < 0.25 ? 'duplicate' : 'deliver');
    }
    const d = ids[Math.floor(rand() * nodes)];
    if (rand() < 0.5) net.completeDisk(d);
    if (rand() < 0.01) net.crash(ids[Math.floor(rand() * nodes)]);
    if (rand() < 0.01) for (const id of ids) if (!net.isUp(id)) net.boot(id);
    net.advance(Math.floor(rand() * 50));
  }
  return net.healAndSettle(convergenceBoundMs(defaultReplicationLimits) * 4, 10);
}

/** The whole node in the simulator: disk writes (persist effects made durable) per acknowledged message. */
function simWrites(replicas: number | undefined, messages: number, seed: number): { perMsg: number; acked: number } {
  const r = runSimulation(
    makeConfig({
      seed,
      nodes,
      users: 1000,
      messages,
      node: { replicas },
      workload: { popFraction: 0, arrivalIntervalMs: 5 },
      phases: { warmupMs: 2_000, healMs: 0, finalCheck: 'none' },
      recordClientOps: false,
    }),
  );
  return { perMsg: r.disk.writesDurable / Math.max(1, r.history.counters.acknowledged), acked: r.history.counters.acknowledged };
}

function main(): void {
  const messages = flags.messages;
  const seed = flags.seed;
  console.log(`replication bench: ${nodes} nodes, ${messages} messages, seed ${seed}, ackReplicas = min(2, R)`);
  console.log('R  records/msg  (paper R=2: 3)  rpcs/msg  peak in flight/node  convergence after heal (ms, bound ' + convergenceBoundMs(defaultReplicationLimits) + ')');
  for (const r of [1, 2, 3]) {
    const w = writes(r, messages, seed);
    const c = [1, 2, 3].map((k) => convergence(r, Math.min(messages, 1_000), seed + k));
    console.log(`${r}  ${w.records.toFixed(2).padStart(11)}  ${''.padStart(14)}  ${w.rpcs.toFixed(2).padStart(8)}  ${w.inflightPeak.toFixed(1).padStart(19)}  ${c.join(', ')}`);
  }
  // The same through the whole node in the simulator: every disk write (an object write carries its log
  // entry in the same write; log retirements, alive marks and boots are counted too).
  const simMessages = Math.min(messages, 2_000);
  console.log(`simulator, ${nodes} nodes, ${simMessages} SMTP deliveries, no POP: disk writes per acknowledged message`);
  for (const r of [undefined, 1, 2, 3]) {
    const w = simWrites(r, simMessages, seed);
    console.log(`${r === undefined ? 'unreplicated' : `R=${r}`}: ${w.perMsg.toFixed(2)} (${w.acked} acknowledged)`);
  }
}

main();
