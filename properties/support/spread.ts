// The spread property's precondition and bound. Spread is a *soft* limit (PORCUPINE.md "Load balancing"):
// two deliveries to one user that overlap in time both ask the manager before either store is in its mail
// map, so each may pad the candidate set with a different random node. The property therefore claims the
// bound for users whose deliveries never overlapped — measured from the client history, with a margin for
// the store's mail-map notice to reach the manager.
import type { SimConfig, SimResult } from '../../src/sim/index.js';
import type { UserId } from '../../src/pure/types.js';

/** Time after a delivery's 250 within which the manager may not know the new fragment yet (a few hops). */
export const MAIL_MAP_SETTLE_MS = 50;

/** Nodes one user's mail may occupy: `spread`, or R if messages are replicated to more nodes than that. */
export function spreadLimit(config: SimConfig): number {
  // SimConfig.node has no `replicas` yet (unreplicated path); read it if a later issue adds it.
  const replicas = (config.node as { readonly replicas?: number }).replicas ?? 1;
  return Math.max(config.node.spread, replicas);
}

interface Delivery {
  readonly user: UserId;
  readonly start: number;
  readonly end: number;
}

/** SMTP sessions of the run as [RCPT sent, DATA answered + settle] intervals per recipient. */
function deliveries(r: SimResult): Delivery[] {
  const bySession = new Map<string, { user?: UserId; start: number; end: number }>();
  for (const op of r.history.ops) {
    const s = bySession.get(op.session) ?? { start: op.sentAt, end: Infinity };
    if (op.request.kind === 'smtpRcpt') s.user = op.request.user;
    if (op.request.kind === 'smtpData') s.end = op.repliedAt === undefined ? Infinity : op.repliedAt + MAIL_MAP_SETTLE_MS;
    bySession.set(op.session, s);
  }
  const out: Delivery[] = [];
  for (const s of bySession.values()) if (s.user !== undefined) out.push({ user: s.user, start: s.start, end: s.end });
  return out;
}

/** Users with two deliveries in flight at once (the soft case the property does not judge). */
export function contendedUsers(r: SimResult): Set<UserId> {
  const byUser = new Map<UserId, Delivery[]>();
  for (const d of deliveries(r)) byUser.set(d.user, [...(byUser.get(d.user) ?? []), d]);
  const out = new Set<UserId>();
  for (const [user, ds] of byUser) {
    ds.sort((a, b) => a.start - b.start);
    let end = -Infinity;
    for (const d of ds) {
      if (d.start < end) out.add(user);
      end = Math.max(end, d.end);
    }
  }
  return out;
}

/** Users (not contended) whose mail lives on more than the limit, described. */
export function spreadViolations(r: SimResult): string[] {
  const limit = spreadLimit(r.config);
  const contended = contendedUsers(r);
  const v: string[] = [];
  for (const [user, nodes] of r.holders) {
    if (!contended.has(user) && nodes.length > limit) v.push(`${user}'s mail is on ${nodes.length} nodes (${nodes.join(',')}) > spread ${limit}`);
  }
  return v;
}
