// The recorded regression traces kept in traces/ (DESIGN.md §5): small, representative runs that CI
// replays forever (replay-recorded.test.ts). Each one's config lives in its own header; this list says
// which runs we chose and why, so they can be recorded again when behaviour changes on purpose
// (rerecord.ts). A trace copied from traces/failures/ needs no entry: its header is enough to replay it.
import { makeConfig, type SimConfig } from '../../src/sim/index.js';

export interface Regression {
  /** File name in traces/ (kebab-case, .ndjson). */
  readonly file: string;
  readonly why: string;
  readonly config: SimConfig;
}

export const REGRESSIONS: readonly Regression[] = [
  {
    file: 'no-faults-3-nodes.ndjson',
    why: 'the happy path: boot, membership, deliveries, POP list/retrieve/delete, final check; per-user mailboxes in each event',
    config: makeConfig({
      seed: 3, nodes: 3, users: 4, messages: 10,
      workload: { popFraction: 0.3, deleteProbability: 0.5, arrivalIntervalMs: 20 },
      trace: { state: 'mailboxes', checkpointEverySteps: 200 },
    }),
  },
  {
    file: 'loss-dup-reorder-4-nodes.ndjson',
    why: 'network faults: lost, duplicated and reordered RPCs, retries and duplicate suppression, then heal',
    config: makeConfig({
      seed: 29, nodes: 4, users: 6, messages: 14,
      faults: { lossRate: 0.08, dupRate: 0.08, reorderRate: 0.2, reorderDelayMsMax: 40 },
      workload: { popFraction: 0.2, deleteProbability: 0.3, arrivalIntervalMs: 10 },
      trace: { checkpointEverySteps: 300 },
    }),
  },
  {
    file: 'static-policy-uniform-5-nodes.ndjson',
    why: 'the static placement policy with uniform recipients on 5 nodes (no faults), spread 1',
    config: makeConfig({
      seed: 47, nodes: 5, users: 8, messages: 12,
      // replicas 0: keeps the unreplicated path (issue 2's node) replayed in CI now that R = 2 is the default.
      node: { loadPolicy: 'static', spread: 1, replicas: 0 },
      workload: { distribution: 'uniform', popFraction: 0.1, arrivalIntervalMs: 5 },
      trace: { checkpointEverySteps: 300 },
    }),
  },
  {
    file: 'node-faults-r2-5-nodes.ndjson',
    why: 'replication R = 2 under node faults: a crash and late restart, a join (empty disk), a permanent disk loss, a partition and its heal, a leave',
    config: makeConfig({
      seed: 61, nodes: 5, users: 8, messages: 20,
      // GC every 10 s (default 60 s): the run ends near 55 s, and tombstone collection (ReplCollect) must happen in it.
      node: { replicas: 2, replicationLimits: { gcIntervalMs: 10_000 } },
      schedule: [
        { kind: 'crash', atMs: 200, node: 'n2' },
        { kind: 'join', atMs: 1000, node: 'n6' },
        { kind: 'loseDisk', atMs: 3000, node: 'n3' },
        { kind: 'partition', atMs: 4000, groups: [['n1', 'n2', 'n3'], ['n4', 'n5', 'n6']] },
        { kind: 'healNetwork', atMs: 7000 },
        { kind: 'restart', atMs: 9000, node: 'n2' },
        { kind: 'leave', atMs: 10000, node: 'n5' },
      ],
      workload: { popFraction: 0.3, deleteProbability: 0.3, arrivalIntervalMs: 500 },
      trace: { checkpointEverySteps: 500 },
    }),
  },
  {
    file: 'mailstore-unreplicated-faults-3-nodes.ndjson',
    why: "spec/MailStore.tla's unreplicated actions: Store, StoreDuplicate (a duplicated RPC), Delete (POP deletes), a crash and restart; per-user mailboxes in each event",
    config: makeConfig({
      seed: 22, nodes: 3, users: 3, messages: 10,
      node: { replicas: 0 },
      faults: { lossRate: 0.05, dupRate: 0.15, reorderRate: 0.1 },
      schedule: [
        { kind: 'crash', atMs: 5060, node: 'n2' },
        { kind: 'restart', atMs: 5400, node: 'n2' },
      ],
      workload: { popFraction: 0.5, deleteProbability: 0.9, arrivalIntervalMs: 20 },
      trace: { state: 'mailboxes', checkpointEverySteps: 200 },
    }),
  },
  {
    file: 'membership-faults-4-nodes.ndjson',
    why: "spec/PorcupineMembership.tla's actions: a partition and its heal (rounds on both sides, contention: AbandonProposal), a crash and restart, lost and reordered messages, skewed clocks",
    config: makeConfig({
      seed: 12, nodes: 4, users: 5, messages: 10,
      faults: { lossRate: 0.08, dupRate: 0.08, reorderRate: 0.2, reorderDelayMsMax: 40, clockSkewMsMax: 3 },
      schedule: [
        { kind: 'partition', atMs: 500, groups: [['n1', 'n2'], ['n3', 'n4']] },
        { kind: 'healNetwork', atMs: 3000 },
        { kind: 'crash', atMs: 5000, node: 'n2' },
        { kind: 'restart', atMs: 7000, node: 'n2' },
      ],
      workload: { popFraction: 0.3, deleteProbability: 0.3, arrivalIntervalMs: 300 },
      trace: { checkpointEverySteps: 300 },
    }),
  },
  {
    file: 'mail-maps-loss-crash-4-nodes.ndjson',
    why: "spec/PorcupineMail.tla's soft state: fragment notices that add and drop mail-map entries, views installed after message loss and a restart, reconstruction reports (the restarted node reports everything); state `up` only, to keep the file small (the views' maps are most of it)",
    config: makeConfig({
      seed: 17, nodes: 4, users: 6, messages: 30,
      node: { replicas: 0 },
      faults: { lossRate: 0.3, dupRate: 0.1, reorderRate: 0.1 },
      schedule: [
        { kind: 'crash', atMs: 3000, node: 'n2' },
        { kind: 'restart', atMs: 4500, node: 'n2' },
      ],
      workload: { popFraction: 0.5, deleteProbability: 0.9, arrivalIntervalMs: 250 },
      trace: { state: 'up', checkpointEverySteps: 500 },
    }),
  },
  {
    file: 'replication-takeover-r3-5-nodes.ndjson',
    why: 'replication R = 3 for spec/PorcupineReplication.tla: a coordinator crashes in mid-update and participants take over, concurrent deletes of one message, a crash and restart, tombstones collected (shortened log retention)',
    config: makeConfig({
      seed: 1, nodes: 5, users: 6, messages: 24,
      node: { replicas: 3, replicationLimits: { logRetentionMs: 120_000, aliveMarkIntervalMs: 20_000, gcIntervalMs: 10_000 } },
      diskLatencyMs: 5,
      schedule: [
        { kind: 'crash', atMs: 600, node: 'n2' },
        { kind: 'crash', atMs: 1400, node: 'n4' },
        { kind: 'restart', atMs: 30_000, node: 'n4' },
      ],
      workload: { popFraction: 0.4, deleteProbability: 0.6, arrivalIntervalMs: 60 },
      phases: { drainMsMax: 60_000, healMs: 200_000 },
      trace: { checkpointEverySteps: 300 },
    }),
  },
  {
    file: 'replication-long-outage-r2-5-nodes.ndjson',
    why: 'replication R = 2 past the (shortened) log retention, for spec/PorcupineReplication.tla: a node cut off by a partition and another one down, each longer than the retention; log entries expire (ReplExpire), tombstones are collected without them, and both rejoin as new (ReplQuarantine) and reconcile (ReplTrust, stale copies dropped; B15)',
    config: makeConfig({
      seed: 5, nodes: 5, users: 4, messages: 12,
      node: { replicas: 2, replicationLimits: { logRetentionMs: 60_000, aliveMarkIntervalMs: 10_000, gcIntervalMs: 5_000, maxPacketLifetimeMs: 20_000 } },
      schedule: [
        { kind: 'partition', atMs: 8_000, groups: [['n1', 'n2', 'n3', 'n4'], ['n5']] },
        { kind: 'crash', atMs: 9_000, node: 'n2' },
        { kind: 'healNetwork', atMs: 100_000 },
        { kind: 'restart', atMs: 102_000, node: 'n2' },
      ],
      workload: { popFraction: 0.5, deleteProbability: 0.8, arrivalIntervalMs: 1_000 },
      phases: { drainMsMax: 120_000, healMs: 60_000 },
      trace: { state: 'up', checkpointEverySteps: 500 },
    }),
  },
];
