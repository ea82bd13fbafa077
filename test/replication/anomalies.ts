// The anomalies eventual consistency lets users see (PORCUPINE.md "Replication": a message delivered twice,
// a deleted message reappearing, two agents seeing different mailbox contents), counted from what POP
// clients saw in a simulator run, and split into those inside the allowed window (while faults are active or
// within the convergence bound after they stop) and those after it (which must not exist).
import { checkers, type SimResult } from '../../src/sim/index.js';

export interface AnomalyCounts {
  readonly duplicates: number;
  readonly reappearingDeletes: number;
  /** A listing that lacks a message acknowledged before it and not deleted (a replica not reached yet or down). */
  readonly divergentViews: number;
}

export interface Anomalies {
  /** Listings authenticated before faultPhaseEnd + bound. */
  readonly inWindow: AnomalyCounts;
  /** Listings authenticated after the window: eventual consistency says these must all be 0. */
  readonly late: AnomalyCounts;
  readonly examples: readonly string[];
}

export function countAnomalies(r: SimResult, boundMs: number): Anomalies {
  const h = r.history;
  const windowEnd = r.phases.faultPhaseEndMs + boundMs;
  const counts = { inWindow: { duplicates: 0, reappearingDeletes: 0, divergentViews: 0 }, late: { duplicates: 0, reappearingDeletes: 0, divergentViews: 0 } };
  const examples: string[] = [];
  const byUser = new Map<string, { msgId: string; ackedAt: number; clientMsgId: string }[]>();
  for (const m of h.acked.values()) byUser.set(m.user, [...(byUser.get(m.user) ?? []), { msgId: m.msgId, ackedAt: m.ackedAt, clientMsgId: m.clientMsgId }]);
  for (const l of h.listings) {
    if (l.error !== undefined) continue;
    const c = l.authAt <= windowEnd ? counts.inWindow : counts.late;
    const note = (what: string): void => {
      if (examples.length < 5 && c === counts.late) examples.push(`${what} (user ${l.user} at ${l.node}, t=${l.authAt})`);
    };
    const ids = new Set(l.msgIds);
    const clientIds = new Set<string>();
    for (const id of l.msgIds) {
      const m = h.acked.get(id);
      if (m === undefined) continue;
      if (clientIds.has(m.clientMsgId)) (c.duplicates++, note(`duplicate ${m.clientMsgId}`));
      clientIds.add(m.clientMsgId);
      const del = h.deleted.get(id);
      if (del !== undefined && del < l.authAt && checkers.isDeleted(r, m)) (c.reappearingDeletes++, note(`reappeared ${id}`));
    }
    if (ids.size < l.msgIds.length) (c.duplicates++, note('same id listed twice'));
    for (const m of byUser.get(l.user) ?? []) {
      if (m.ackedAt >= l.authAt || ids.has(m.msgId) || h.maybeDeleted.has(m.msgId) || h.deleted.has(m.msgId)) continue;
      c.divergentViews++;
      note(`missing ${m.msgId}`);
    }
  }
  return { ...counts, examples };
}
