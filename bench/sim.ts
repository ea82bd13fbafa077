// Benchmark: simulated SMTP deliveries per wall-clock second, 30 nodes and 4.8 million users (the paper's
// 160,000 users per node), with zero-cost timing — no network, disk or password latency, no trace recorder,
// no client-op history, no final check — so it measures the simulator plus the node reducer, nothing else.
// Goal (issue 2): at least 50,000 deliveries/s on one core.
//   npx tsc -p tsconfig.json && node dist/bench/sim.js [--messages M] [--nodes N] [--users U] [--pop F] [--seed S] [--replicas R]
//   (--help: every flag with its default)
//   Without --replicas it runs twice and prints both: replication off (issue 2's figure, the unreplicated
//   path) and R = 2 (the default since issues 4/5; ackReplicas 2). --replicas 0 is "off".
//   --sim-only: replace the node by a reducer that answers at once (one RPC and one persist per DATA), to
//   measure the simulator's own ceiling.
// One core: `npm run bench:sim` runs node with --single-threaded-gc (no parallel GC helper threads on a
// second core), so the CPU seconds of the process are one core's: `deliveriesPerCoreSecond` is the goal's
// figure; `deliveriesPerSecond` is wall-clock (the same on a quiet machine, lower when the core is shared).
// Pin it as well with `taskset -c 1 node …` to be sure (docs/performance.md).
// Profile: node --cpu-prof --cpu-prof-dir=/tmp/prof dist/bench/sim.js
import { PerformanceObserver } from 'node:perf_hooks';
import type { Effect, Input, Message } from '../src/pure/io.js';
import type { Env } from '../src/pure/types.js';
import { makeConfig, runSimulation, type NodeReducer, type SimConfig } from '../src/sim/index.js';
import { benchFlags } from './flags.js';

const GOAL_PER_S = 50_000;

const { values: flags } = benchFlags({
  name: 'bench:sim',
  usage: ['npm run bench:sim -- [options]', 'node dist/bench/sim.js [options]   (after npx tsc -p tsconfig.json)'],
  description:
    'Simulated SMTP deliveries per second, 30 nodes and 4.8 million users, zero-cost timing (no network, disk or\n' +
    'password latency, no trace recorder): the simulator plus the node reducer. Goal: 50,000 deliveries/s on one\n' +
    'core (npm run bench:sim runs node with --single-threaded-gc; deliveriesPerCoreSecond is the figure).',
  options: {
    messages: { type: 'number', default: 200_000, integer: true, placeholder: 'M', help: 'SMTP messages offered' },
    nodes: { type: 'number', default: 30, integer: true, min: 1, max: 1000, help: 'cluster nodes' },
    users: { type: 'number', default: 4_800_000, integer: true, min: 1, placeholder: 'U', help: 'users' },
    pop: { type: 'number', default: 0, placeholder: 'F', help: 'chance that an arrival is a POP3 session rather than a message, in [0, 1)' },
    seed: { type: 'number', default: 1, integer: true, placeholder: 'S', help: "the simulator's seed" },
    replicas: { type: 'number', integer: true, max: 3, placeholder: 'R', defaultText: 'both 0 and 2, one after the other', help: 'replication factor, 0: off (unreplicated)' },
    'sim-only': { type: 'boolean', help: "replace the node by a reducer that answers at once, to measure the simulator's own ceiling" },
  },
});

function benchConfig(replicas: number): SimConfig {
  return makeConfig({
    seed: flags.seed,
    nodes: flags.nodes,
    users: flags.users,
    messages: flags.messages,
    // 0: issue 2's node, replication off (the unreplicated path); 2: the simulator's default.
    node: { replicas },
    network: { delayMs: 0, jitterMs: 0 },
    diskLatencyMs: 0,
    passwordCheckMs: 0,
    // One arrival per virtual ms: with zero latencies each session completes within its instant, and the
    // nodes' periodic timers (seconds apart) cost next to nothing per delivery.
    workload: { popFraction: flags.pop, arrivalIntervalMs: 1, clientTimeoutMs: 0, bodyBytesMean: 256 },
    phases: { warmupMs: 5_000, healMs: 0, finalCheck: 'none' },
    recordClientOps: false,
  });
}

/** Answers RCPT and DATA at once; DATA also sends one message to a peer, which persists it. */
const echoReducer: NodeReducer<{ readonly self: string; readonly n: number }> = {
  initialState: () => ({ self: '', n: 0 }),
  digest: (s) => JSON.stringify(s),
  step(s, input: Input, env: Env) {
    void env;
    const fx: Effect[] = [];
    if (input.kind === 'boot') return { state: { self: input.self, n: 0 }, effects: fx };
    if (input.kind === 'message') fx.push({ kind: 'persist', id: s.n, write: { kind: 'incarnation', incarnation: 1 } });
    if (input.kind === 'client' && input.request.kind === 'smtpRcpt') fx.push({ kind: 'reply', session: input.session, reply: { kind: 'smtpRcpt', code: 250, text: '' } });
    if (input.kind === 'client' && input.request.kind === 'smtpData') {
      const user = input.request.recipients[0];
      fx.push({ kind: 'send', to: s.self === 'n1' ? 'n2' : 'n1', message: { kind: 'echo' } as unknown as Message }); // opaque to the simulator
      fx.push({ kind: 'reply', session: input.session, reply: { kind: 'smtpData', code: 250, text: '', results: [{ user, code: 250, msgId: `${s.self}-${s.n}` }] } });
    }
    return { state: fx.length > 0 ? { self: s.self, n: s.n + 1 } : s, effects: fx };
  },
};

async function main(): Promise<void> {
  const only = flags.replicas !== undefined ? [flags.replicas] : [0, 2];
  for (const replicas of only) await benchOnce(replicas);
}

async function benchOnce(replicas: number): Promise<void> {
  const config = benchConfig(replicas);
  // GC pauses of the main thread, to tell the reducer's allocation cost from its compute cost.
  let gcMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const simOnly = flags['sim-only'];
  const r = runSimulation(config, simOnly ? { reducer: echoReducer as NodeReducer<unknown> } : {});
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU seconds of this process (all threads: includes V8's parallel GC helpers unless --single-threaded-gc,
  // when it is one core's time). On a shared machine deliveries per CPU second is the steadier number.
  const cpuS = (cpu.user + cpu.system) / 1e6;
  const singleThreadedGc = process.execArgv.some((a) => a === '--single-threaded-gc' || a === '--single-threaded');
  await new Promise((resolve) => setTimeout(resolve, 50)); // GC entries arrive asynchronously
  gcObserver.disconnect();
  const delivered = r.history.counters.acknowledged;
  const perS = delivered / wallS;
  const perCpuS = delivered / cpuS;
  const out = {
    reducer: simOnly ? 'echo (simulator only)' : 'src/pure/node.ts',
    replication: replicas === 0 ? 'off (unreplicated path)' : `R=${replicas}`,
    nodes: config.nodes,
    users: config.users,
    messagesOffered: r.history.counters.messagesOffered,
    acknowledged: delivered,
    popSessions: r.history.counters.popSessions,
    reducerSteps: r.steps,
    events: r.world.events,
    wallSeconds: Math.round(wallS * 1000) / 1000,
    cpuSeconds: Math.round(cpuS * 1000) / 1000,
    gcSeconds: Math.round(gcMs) / 1000,
    gcThreads: singleThreadedGc ? 'main thread only (--single-threaded-gc)' : 'parallel helpers (CPU time spans cores)',
    deliveriesPerSecond: Math.round(perS),
    deliveriesPerCpuSecond: Math.round(perCpuS),
    // The goal's figure (issue 2: one core): CPU time when GC runs on the main thread only.
    deliveriesPerCoreSecond: singleThreadedGc ? Math.round(perCpuS) : null,
    stepsPerSecond: Math.round(r.steps / wallS),
    stepsPerDelivery: Math.round((r.steps / Math.max(1, delivered)) * 10) / 10,
    goalPerSecond: GOAL_PER_S,
    ratioToGoal: Math.round(((singleThreadedGc ? perCpuS : perS) / GOAL_PER_S) * 100) / 100,
    errors: r.errors.length,
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  if (r.errors.length > 0) process.stderr.write(`reducer error: ${r.errors[0].error}\n`);
}

await main();
