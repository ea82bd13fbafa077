// RCPT answers reused by DATA (issue 2's throughput work): RCPT asks the user's manager whether the user
// exists, and the answer carries the mail map, which is exactly what DATA asks the manager for a moment
// later. Within one SMTP transaction DATA reuses RCPT's answer while it is fresh, saving one lookup round
// trip per delivery (two reducer steps and a network hop of the ten a delivery costs).
//
// Why this is safe: the answer is soft state, like the mail map it copies. Existence only grows (users
// are provisioned, never removed), and the mail map only steers the load balancer — a store on any node
// is correct, and that node's fragment notice puts it in the manager's map. What must not be reused is an
// answer from a manager that no longer manages the user (after a membership change the new manager may
// know other fragments): the bucket's entry in the user map (manager and the epoch it last moved in) is
// compared, and any change, or an answer older than rcptAnswerFreshMs, means DATA looks up again.
import { bucketOfCanonical } from '../hash.js';
import type { NodeId, UserId } from '../types.js';
import type { UserMap, UserMapEntry } from '../user-map/user-map.js';
import { rcptAnswerFreshMs, recipientsMax } from './limits.js';
import type { RcptAnswer, Session } from './proxy-state.js';

const none: readonly RcptAnswer[] = [];

/** The user's bucket entry in the current user map (its manager and the epoch it last moved in). */
export function bucketEntry(userMap: UserMap, user: UserId): UserMapEntry {
  return userMap[bucketOfCanonical(user)];
}

/** The answers an open transaction holds (none outside one). */
export function knownAnswers(s: Session | undefined): readonly RcptAnswer[] {
  if (s === undefined) return none;
  return s.kind === 'smtpTxn' || s.kind === 'smtpRcpt' ? s.known : none;
}

/** `known` plus a new answer (replacing one for the same user); bounded by the recipients a DATA may name. */
export function rememberAnswer(known: readonly RcptAnswer[], a: RcptAnswer): readonly RcptAnswer[] {
  if (known.length === 0) return [a];
  const rest = known.filter((k) => k.user !== a.user);
  return rest.length >= recipientsMax ? rest : [...rest, a];
}

/** The mail map of a fresh answer for `user`, or undefined when DATA must ask the manager. */
export function freshMailMap(known: readonly RcptAnswer[], userMap: UserMap, user: UserId, now: number): readonly NodeId[] | undefined {
  for (let i = 0; i < known.length; i++) {
    const a = known[i];
    if (a.user !== user) continue;
    const e = bucketEntry(userMap, user);
    const fresh = e.node === a.manager && e.epoch === a.bucketEpoch && now - a.at <= rcptAnswerFreshMs && now >= a.at;
    return fresh ? a.mailMap : undefined;
  }
  return undefined;
}
