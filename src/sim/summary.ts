// The summary of a run that `porcupine sim` prints: what the clients offered and were promised, what the
// final check could read back, how mail and load spread over the nodes, which faults were injected, and
// the checkers' verdicts. One plain JSON-able object (`--json` prints it as is).
import type { NodeId } from '../pure/types.js';
import { isDeleted, lostWithReplicas, type CheckResult } from './checkers.js';
import type { SimResult } from './cluster.js';
import type { SpreadHistogram } from './stats.js';
import { anomalyWindows, type AnomalyCounts, type AnomalyWindows } from './anomalies.js';
import { effectiveAckReplicas } from './config.js';

export interface SimSummary {
  readonly seed: number;
  readonly nodes: number;
  readonly users: number;
  /** Distinct messages the clients attempted to deliver over SMTP (retries not counted twice); not all succeed. */
  readonly attempted: number;
  readonly smtpAttempts: number;
  /** Recipient results with code 250. */
  readonly acknowledged: number;
  readonly failed: number;
  /** Acknowledged, not deleted by a client, and retrieved with the identical body from every live node. */
  readonly retrievable: number;
  /** Acknowledged messages a client deleted (confirmed or possibly). */
  readonly deletedByClients: number;
  readonly popSessions: number;
  readonly spread: SpreadHistogram;
  readonly load: {
    readonly storedPerNode: Readonly<Record<NodeId, number>>;
    readonly storedImbalance: number;
    readonly queuePeakMax: number;
    readonly queuePeakImbalance: number;
    readonly stepsImbalance: number;
  };
  readonly faults: {
    readonly lost: number;
    readonly duplicated: number;
    readonly reordered: number;
    readonly cut: number;
    readonly crashes: number;
    readonly restarts: number;
  };
  /** Replication factor (0 = unreplicated path) and copies durable before 250. */
  readonly replication: { readonly replicas: number; readonly ackReplicas: number };
  /** Reconfiguration: views installed, membership changes, injected joins/leaves/disk losses, convergence. */
  readonly reconfig: Omit<SimResult['reconfig'], 'destructions'> & {
    /** Acknowledged messages whose every copy was destroyed later by leaves / disk losses (R too small). */
    readonly lostWithReplicas: number;
  };
  /** Anomalies users saw, by window (null when client ops were not recorded). */
  readonly anomalies: AnomalyWindows | null;
  readonly steps: number;
  readonly virtualMs: number;
  /** What the run cost, in total (divide by `acknowledged` for per-message figures; `porcupine audit` does). */
  readonly cost: {
    readonly steps: number;
    /** Node-to-node messages sent (requests, replies and notifications), before loss or duplication. */
    readonly rpcs: number;
    readonly rpcsByKind: Readonly<Record<string, number>>;
    /** JSON bytes of those messages; null unless the run counted them (`porcupine sim --count-bytes`). */
    readonly bytesSent: number | null;
    /** Durable writes completed (persist effects that reached the simulated disk). */
    readonly durableWrites: number;
    /** Simulated disk flushes (writes completing together share one, like the runtime's group commit). */
    readonly fsyncs: number;
  };
  readonly checks: readonly CheckResult[];
  /** Every check passed, soft ones (spread bound) excepted. */
  readonly ok: boolean;
}

export function retrievableCount(r: SimResult): number {
  const finals = new Map<string, { node: NodeId; ids: Set<string>; bodies: Map<string, string | undefined> }[]>();
  for (const l of r.history.listings) {
    if (!l.final) continue;
    const list = finals.get(l.user) ?? [];
    list.push({ node: l.node, ids: new Set(l.msgIds), bodies: l.bodies });
    finals.set(l.user, list);
  }
  let n = 0;
  for (const m of r.history.acked.values()) {
    if (isDeleted(r, m)) continue;
    const ls = finals.get(m.user);
    if (ls === undefined || ls.length < r.nodesUp.length) continue;
    if (ls.every((l) => l.ids.has(m.msgId) && l.bodies.get(m.msgId) === m.body)) n++;
  }
  return n;
}

export function summarize(r: SimResult, checks: readonly CheckResult[]): SimSummary {
  const h = r.history;
  let deleted = 0;
  for (const m of h.acked.values()) if (isDeleted(r, m)) deleted++;
  return {
    seed: r.config.seed,
    nodes: r.config.nodes,
    users: r.config.users,
    attempted: h.counters.messagesOffered,
    smtpAttempts: h.counters.smtpAttempts,
    acknowledged: h.counters.acknowledged,
    failed: h.counters.failed,
    retrievable: retrievableCount(r),
    deletedByClients: deleted,
    popSessions: h.counters.popSessions,
    spread: r.spread,
    load: {
      storedPerNode: r.load.storedPerNode,
      storedImbalance: r.load.storedImbalance,
      queuePeakMax: Math.max(0, ...Object.values(r.load.queuePeakPerNode)),
      queuePeakImbalance: r.load.queuePeakImbalance,
      stepsImbalance: r.load.stepsImbalance,
    },
    faults: {
      lost: r.network.lost, duplicated: r.network.duplicated, reordered: r.network.reordered, cut: r.network.cut,
      crashes: r.world.crashes, restarts: r.world.restarts,
    },
    replication: { replicas: r.config.node.replicas ?? 0, ackReplicas: effectiveAckReplicas(r.config.node) },
    reconfig: reconfigSummary(r),
    anomalies: r.config.recordClientOps ? anomalyWindows(r) : null,
    steps: r.steps,
    virtualMs: Math.round(r.endMs),
    cost: {
      steps: r.steps,
      rpcs: r.world.sends,
      rpcsByKind: r.sendsByKind,
      bytesSent: r.messageBytesCounted ? r.world.sendBytes : null,
      durableWrites: r.disk.writesDurable,
      fsyncs: r.disk.flushes,
    },
    checks,
    ok: checks.every((c) => c.ok || c.soft),
  };
}

function reconfigSummary(r: SimResult): SimSummary['reconfig'] {
  const { destructions: _list, ...rest } = r.reconfig;
  let lost = 0;
  for (const m of r.history.acked.values()) if (lostWithReplicas(r, m)) lost++;
  return { ...rest, lostWithReplicas: lost };
}

function formatAnomalies(a: AnomalyWindows | null): string[] {
  if (a === null) return [];
  const f = (c: AnomalyCounts): string => `${c.duplicates} duplicates, ${c.reappearingDeletes} reappearing deletes, ${c.divergentViews} divergent views`;
  return [
    `anomalies     while faults active: ${f(a.duringFaults)}`,
    `              within ${a.boundMs} ms after heal: ${f(a.withinBound)}`,
    `              after the bound: ${f(a.afterBound)}`,
  ];
}

export function formatSummary(s: SimSummary): string {
  const spread = Object.entries(s.spread).map(([k, v]) => `${k} node${k === '1' ? '' : 's'}: ${v}`).join(', ') || 'no mail stored';
  const stored = Object.entries(s.load.storedPerNode).map(([n, v]) => `${n}=${v}`).join(' ');
  const lines = [
    `simulated ${s.nodes} nodes, ${s.users} users, seed ${s.seed}: ${s.steps} reducer steps, ${(s.virtualMs / 1000).toFixed(1)} s virtual time`,
    `attempted     ${s.attempted} messages (${s.smtpAttempts} SMTP attempts, ${s.failed} failed)`,
    `acknowledged  ${s.acknowledged} messages (SMTP 250)`,
    `retrievable   ${s.retrievable} from every live node with identical bodies (${s.deletedByClients} deleted by POP clients, ${s.popSessions} POP sessions)`,
    `spread        users by nodes holding their mail: ${spread}`,
    `load          stored per node: ${stored}`,
    `              stored max/mean ${s.load.storedImbalance}, peak queue ${s.load.queuePeakMax} (max/mean ${s.load.queuePeakImbalance}), steps max/mean ${s.load.stepsImbalance}`,
    `faults        lost ${s.faults.lost}, duplicated ${s.faults.duplicated}, reordered ${s.faults.reordered}, cut ${s.faults.cut}, crashes ${s.faults.crashes}, restarts ${s.faults.restarts}`,
    `replication   ${s.replication.replicas === 0 ? 'off (unreplicated path)' : `R=${s.replication.replicas}, 250 after ${s.replication.ackReplicas} durable cop${s.replication.ackReplicas === 1 ? 'y' : 'ies'}`}`,
    `reconfig      ${s.reconfig.viewsInstalled} epochs installed (${s.reconfig.installs} installs over nodes), ${s.reconfig.membershipChanges} membership changes; joins ${s.reconfig.joins}, leaves ${s.reconfig.leaves}, disks lost ${s.reconfig.disksLost}`,
    ...(s.reconfig.lostWithReplicas > 0 ? [`              ${s.reconfig.lostWithReplicas} acknowledged messages lost with every replica (all their nodes left or lost their disks)`] : []),
    `converged     ${s.reconfig.convergeMs === null ? 'NOT within the heal phase' : `${s.reconfig.convergeMs} ms after heal start`} (same epoch, members and user map at every live node)`,
    ...formatAnomalies(s.anomalies),
    `cost          ${s.cost.rpcs} RPCs, ${s.cost.durableWrites} durable writes in ${s.cost.fsyncs} disk flushes${s.cost.bytesSent === null ? '' : `, ${s.cost.bytesSent} bytes sent`}${s.acknowledged > 0 ? ` (per acknowledged message: ${(s.cost.steps / s.acknowledged).toFixed(1)} steps, ${(s.cost.rpcs / s.acknowledged).toFixed(1)} RPCs, ${(s.cost.durableWrites / s.acknowledged).toFixed(2)} writes)` : ''}`,
    'checks:',
    ...s.checks.map((c) => `  ${c.ok ? 'ok  ' : c.soft ? 'warn' : 'FAIL'} ${c.name}${c.ok ? '' : ` (${c.count}): ${c.examples.join('; ')}`}`),
    s.ok ? 'OK' : 'FAILED',
  ];
  return lines.join('\n');
}
