// The anomalies eventual consistency lets users see (PORCUPINE.md "Replication": a message delivered twice,
// a deleted message reappearing, two agents seeing different mailbox contents), counted from what POP
// clients saw, by when the listing was authenticated: while faults were active (the fault phase), within the
// convergence bound after they stopped, or after the bound — where eventual consistency says there are none.
import { convergenceBoundMs, defaultReplicationLimits } from '../pure/replication/limits.js';
import { deletionOf, lostWithReplicas } from './checkers.js';
import type { CheckResult } from './checkers.js';
import type { SimResult } from './cluster.js';

export interface AnomalyCounts {
  readonly duplicates: number;
  readonly reappearingDeletes: number;
  /** A listing that lacks a message acknowledged before it and not deleted (a replica not reached yet or down). */
  readonly divergentViews: number;
}

export interface AnomalyWindows {
  /** Listings authenticated during the fault phase. */
  readonly duringFaults: AnomalyCounts;
  /** Listings authenticated after the faults stopped, within the convergence bound. */
  readonly withinBound: AnomalyCounts;
  /** Listings authenticated after the bound: must all be 0. */
  readonly afterBound: AnomalyCounts;
  readonly boundMs: number;
  /** A few anomalies after the bound, described. */
  readonly examples: readonly string[];
}

/** The default bound: the replication protocol's convergence bound once faults stop (docs/replication.md). */
export const ANOMALY_BOUND_MS = convergenceBoundMs(defaultReplicationLimits);

const EXAMPLES_MAX = 5;

interface MutableCounts {
  duplicates: number;
  reappearingDeletes: number;
  divergentViews: number;
}
const zero = (): MutableCounts => ({ duplicates: 0, reappearingDeletes: 0, divergentViews: 0 });

export function anomalyWindows(r: SimResult, boundMs: number = ANOMALY_BOUND_MS): AnomalyWindows {
  const h = r.history;
  const faultEnd = r.phases.faultPhaseEndMs;
  const w = { duringFaults: zero(), withinBound: zero(), afterBound: zero() };
  const examples: string[] = [];
  const byUser = new Map<string, { msgId: string; ackedAt: number }[]>();
  for (const m of h.acked.values()) {
    if (lostWithReplicas(r, m)) continue; // every copy destroyed: not an anomaly of eventual consistency
    const list = byUser.get(m.user);
    if (list === undefined) byUser.set(m.user, [{ msgId: m.msgId, ackedAt: m.ackedAt }]);
    else list.push({ msgId: m.msgId, ackedAt: m.ackedAt });
  }
  for (const l of h.listings) {
    if (l.error !== undefined) continue;
    const c = l.authAt <= faultEnd ? w.duringFaults : l.authAt <= faultEnd + boundMs ? w.withinBound : w.afterBound;
    const note = (what: string): void => {
      if (examples.length < EXAMPLES_MAX && c === w.afterBound) examples.push(`${what} (user ${l.user} at ${l.node}, t=${l.authAt})`);
    };
    const ids = new Set(l.msgIds);
    const clientMessages = new Set<string>(); // bodies: one client message is one (Message-ID, body)
    for (const id of l.msgIds) {
      const m = h.acked.get(id);
      if (m === undefined) continue;
      if (clientMessages.has(m.body)) (c.duplicates++, note(`duplicate ${m.clientMsgId}`));
      clientMessages.add(m.body);
      const del = h.deleted.get(id);
      if (del !== undefined && del < l.authAt && deletionOf(r, m) === 'deleted') (c.reappearingDeletes++, note(`reappeared ${id}`));
    }
    if (ids.size < l.msgIds.length) (c.duplicates++, note('same id listed twice'));
    for (const m of byUser.get(l.user) ?? []) {
      if (m.ackedAt >= l.authAt || ids.has(m.msgId) || h.maybeDeleted.has(m.msgId) || h.deleted.has(m.msgId)) continue;
      c.divergentViews++;
      note(`missing ${m.msgId}`);
    }
  }
  return { ...w, boundMs, examples };
}

/** Sum of two windows' counts. */
export function addCounts(a: AnomalyCounts, b: AnomalyCounts): AnomalyCounts {
  return { duplicates: a.duplicates + b.duplicates, reappearingDeletes: a.reappearingDeletes + b.reappearingDeletes, divergentViews: a.divergentViews + b.divergentViews };
}

/**
 * The two-window form the replication property uses: `inWindow` = during faults + within the bound,
 * `late` = after it (must be all 0).
 */
export function countAnomalies(r: SimResult, boundMs: number): { inWindow: AnomalyCounts; late: AnomalyCounts; examples: readonly string[] } {
  const a = anomalyWindows(r, boundMs);
  return { inWindow: addCounts(a.duringFaults, a.withinBound), late: a.afterBound, examples: a.examples };
}

/** Checker: no anomaly in a listing authenticated after the bound (needs recorded client ops). */
export function noAnomalyAfterBound(r: SimResult, boundMs: number = ANOMALY_BOUND_MS): CheckResult {
  const a = anomalyWindows(r, boundMs);
  const n = a.afterBound.duplicates + a.afterBound.reappearingDeletes + a.afterBound.divergentViews;
  return { name: 'noAnomalyAfterBound', ok: n === 0, count: n, examples: a.examples, soft: false };
}
