// This suite's own oracles, written from the client's point of view and independent of the simulator's
// checkers (which they complement: a bug in a checker should not hide a bug in the nodes).
import { checkers, type CheckResult, type SimResult } from '../../src/sim/index.js';
import { checkOf } from './expect-checks.js';

/**
 * Every acknowledged, undeleted message appears exactly once in its user's final POP listing at every live
 * node, and RETR there returns exactly the bytes the client sent.
 */
export function ackedExactlyOnceEverywhere(r: SimResult): CheckResult {
  const v: string[] = [];
  for (const m of r.history.acked.values()) {
    if (checkers.isDeleted(r, m)) continue;
    for (const node of r.nodesUp) {
      const listing = r.history.listings.find((l) => l.final && l.user === m.user && l.node === node);
      if (listing === undefined) {
        v.push(`${m.msgId}: no final listing of ${m.user} at ${node}`);
        continue;
      }
      const times = listing.msgIds.filter((id) => id === m.msgId).length;
      if (times !== 1) v.push(`${m.msgId} listed ${times} times for ${m.user} at ${node}${listing.error ? ` (${listing.error})` : ''}`);
      else if (listing.bodies.get(m.msgId) !== m.body) v.push(`${m.msgId} retrieved at ${node} differs from the body the client sent`);
    }
  }
  return checkOf('ackedExactlyOnceEverywhere', v);
}

/** Without faults, every message the workload offered was acknowledged (250) on its first attempt. */
export function everyOfferAcknowledged(r: SimResult): CheckResult {
  const c = r.history.counters;
  const v = c.acknowledged === c.messagesOffered && c.smtpAttempts === c.messagesOffered
    ? []
    : [`${c.messagesOffered} messages offered in ${c.smtpAttempts} SMTP attempts, ${c.acknowledged} acknowledged, ${c.failed} failed`];
  return checkOf('everyOfferAcknowledged', v);
}

/**
 * Without faults, deletes work: every DELE of a listed message is answered +OK and every QUIT that commits
 * deletions is answered +OK (the SMTP side's everyOfferAcknowledged, for POP). Without this, "deletes
 * stick" holds vacuously when no delete ever succeeds (issue 13: a node whose deletes all fail passed).
 */
export function everyDeleteConfirmed(r: SimResult): CheckResult {
  const c = r.history.counters;
  const v: string[] = [];
  if (c.deletesRefused > 0) v.push(`${c.deletesRefused} of ${c.deletesRequested} DELE commands answered -ERR`);
  if (c.quitsWithDeletesFailed > 0) v.push(`${c.quitsWithDeletesFailed} of ${c.quitsWithDeletes} QUITs committing deletions not answered +OK`);
  return checkOf('everyDeleteConfirmed', v);
}
