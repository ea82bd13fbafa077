// The deterministic simulator (DESIGN.md §5): many Porcupine nodes in one process, one seed.
//
// API
//   runSimulation(config: SimConfig, options?: SimOptions): SimResult
//       Boots `config.nodes` nodes (n1…nN) on disks provisioned with users user0…user{U-1} (password
//       USER_PASSWORD), warms up, runs the client workload (config.messages SMTP deliveries, POP sessions)
//       through the fault phase, heals (faults stop for phases.healMs), then the final check: every user that
//       was sent mail is POP-listed and fully retrieved at every live node. Pure function of the config.
//       options.reducer   a NodeReducer (initialState/step/digest); default the real node (src/pure/node.ts)
//       options.trace     { sink(line), version }: NDJSON trace lines (format in trace.ts)
//       options.invariant (world, node, input) => violation | undefined, after every reducer step; the first
//                         violation stops the run and lands in result.violations
//   makeConfig(partial): SimConfig        defaults + overrides (DEFAULT_CONFIG; validateConfig → sentences)
//   SimResult: history (History: ops, acked, deleted, maybeDeleted, listings, touchedUsers, counters; all but
//       the counters need config.recordClientOps, default true — benchmarks turn it off),
//       digests (fingerprints of digestNode per node), nodesUp, world/network/disk counters, errors (reducers
//       that threw: the run stops), violations, load (per-node stored/queue peak/steps + max/mean imbalance),
//       holders (user → nodes holding mail), spread (histogram), phases (times, completion), steps, endMs.
//   checkers: ackedDurable(min), noLoss, exactlyOnceListing, byteIdenticalBodies, everyRequestAnswered, noReducerThrew,
//       noInvariantViolated, phasesCompleted, deletedNeverReappears, listingsAgree, spreadBound(max), isDeleted,
//       checkAll → CheckResult[] (halted runs: errors/violations explain why later checks fail)
//   summarize(result, checks): SimSummary (what `porcupine sim` prints; formatSummary renders it).
//   replayTrace(text, { reducer? }): ReplayVerdict — re-run a trace's header config, compare line by line.
//   Building blocks for tests and the hardware model: Prng (sfc32, fork by label), streamFor(seed, label),
//   EventQueue (time, then insertion order), Network (loss/dup/reorder/cuts/partitions), Disk, World
//   (crash/restart/boot/setSkew/clientRequest/runUntil), ZipfSampler.
//
// Example (a property test):
//   const r = runSimulation(makeConfig({ seed, nodes: 5, users: 100, messages: 300,
//     faults: { lossRate: 0.05 }, schedule: [{ kind: 'crash', atMs: 200, node: 'n2' }] }),
//     { trace: { sink: (l) => lines.push(l), version } });
//   const failed = checkers.checkAll(r).filter((c) => !c.ok);   // write `lines` to traces/failures/ if any
//
// Faults implemented: random loss, dup, reorder (config.faults, fault phase only); per-node clock skew
// (faults.clockSkewMsMax); a schedule of crash/restart/partition/cut/healNetwork/join/leave/loseDisk at
// fixed times (config.schedule: plain data, so property tests generate schedules and traces replay them);
// and random node faults (faults.nodeFaultRates: crash, restart, partition, join, leave, churn, loseDisk,
// events per virtual second; randomFaults(config) turns them into scheduled faults from the seed). The heal
// phase restores every link and restarts every crashed node (not those that left).
// Replication: config.node.replicas defaults to 2 (0 = the unreplicated path); checkAll's ackedDurable
// asks for effectiveAckReplicas(config.node) copies.
// Costs (src/sim/costs.ts): WorldParams.costs — the hardware model's CPU time per step, disk completion per
// persist and network arrival per message/client exchange (src/hardware-model); absent = zero-cost timing.
// Workload options (closed-loop clients, a body-size sampler) are the model's too; runSimulation uses neither.
// Also: result.schedule (the faults that ran), result.reconfig (views installed, membership changes,
// joins/leaves/disks lost, convergeMs after heal), anomalyWindows / noAnomalyAfterBound (anomalies.ts).
export { runSimulation, type SimOptions, type SimResult, type PhaseTimes } from './cluster.js';
export {
  DEFAULT_CONFIG, DEFAULT_FAULT_RATES, DEFAULT_REPLICAS, FAULT_KINDS, NETWORK_FAULT_KINDS, NODE_FAULT_KINDS, NO_FAULTS, USER_PASSWORD, USER_PREFIX,
  NODE_FAULT_RATE_MAX, effectiveAckReplicas, faultConfigOf, joinedNodeIds, makeConfig, nodeIds, userName, validateConfig,
  type DeepPartial, type FaultRate, type FaultConfig, type FaultKind, type NetworkFaultKind, type NodeFaultKind, type ScheduledFault, type SimConfig, type WorkloadConfig,
} from './config.js';
export { randomFaults, faultWindowMs } from './random-faults.js';
export { ReconfigMonitor, type ReconfigStats } from './reconfig.js';
export { ANOMALY_BOUND_MS, anomalyWindows, countAnomalies, noAnomalyAfterBound, type AnomalyCounts, type AnomalyWindows } from './anomalies.js';
export * as checkers from './checkers.js';
export type { CheckResult } from './checkers.js';
export { History, type AckedMessage, type ClientOp, type Listing } from './history.js';
export { replayTrace, parseHeader, type Divergence, type ReplayVerdict } from './replay.js';
export { Prng, streamFor } from './prng.js';
export { EventQueue } from './event-queue.js';
export { Network } from './network.js';
export { Disk } from './disk.js';
export { World, type NodeReducer, type ReducerError, type WorldHooks } from './world.js';
export type { CostHooks } from './costs.js';
export { ZipfSampler } from './zipf.js';
export { fingerprint } from './digest.js';
export { porcupineReducer, simCheckPassword, simVerifier } from './porcupine-reducer.js';
export { SIM_TRACE_ACTIONS, TRACE_SPEC_MODULE, makeHeader, type SimTraceAction, type TraceHeader } from './trace.js';
export { summarize, formatSummary, retrievableCount, type SimSummary } from './summary.js';
