// Checkers: judge a finished run from the outside — by what clients were told and what they later read
// back — never by trusting a node's opinion of itself. Each returns a CheckResult naming the first few
// violations in words (the user, the message, the node). The final listings are the heal phase's POP
// sessions: every touched user, listed and fully retrieved at every node that was up.
import type { MsgId, NodeId, UserId } from '../pure/types.js';
import type { SimResult } from './cluster.js';
import type { AckedMessage, Listing } from './history.js';
import { effectiveAckReplicas } from './config.js';

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** How many violations in total. */
  readonly count: number;
  /** The first few, described. */
  readonly examples: readonly string[];
  /** A soft property (e.g. the spread bound): a failure is reported but does not fail the run. */
  readonly soft: boolean;
}

const EXAMPLES_MAX = 5;

function result(name: string, violations: string[], soft = false): CheckResult {
  return { name, ok: violations.length === 0, count: violations.length, examples: violations.slice(0, EXAMPLES_MAX), soft };
}

/** Final listings grouped by user. */
function finalListings(r: SimResult): Map<UserId, Listing[]> {
  const out = new Map<UserId, Listing[]>();
  for (const l of r.history.listings) {
    if (!l.final) continue;
    const list = out.get(l.user);
    if (list === undefined) out.set(l.user, [l]);
    else list.push(l);
  }
  return out;
}

/**
 * Did a client delete this acknowledged message? Only a deletion confirmed after the acknowledged attempt
 * sent DATA counts: SMTP is at-least-once (RFC 5321 §6.3), so a sender retrying after a 451 may deliver a
 * message again — with the same id — after the recipient already read and deleted the first copy.
 */
export function isDeleted(r: SimResult, m: AckedMessage): boolean {
  return deletionOf(r, m) !== 'none';
}

/**
 * How a client deletion relates to this acknowledged delivery: 'none' (no deletion, or one confirmed before
 * the delivery sent DATA: this is a new delivery), 'deleted' (the message must stay gone), or 'either' (the
 * QUIT went unanswered; or the delete was of an earlier attempt's copy — its session authenticated before
 * this delivery sent DATA — and overlapped this delivery, a sender's retry with the same Message-ID: the
 * QUIT was sent before the 250. Both orders are linearizable; last-writer-wins picks one).
 */
export function deletionOf(r: SimResult, m: AckedMessage): 'none' | 'deleted' | 'either' {
  const h = r.history;
  if (h.maybeDeleted.has(m.msgId)) return 'either';
  const at = h.deleted.get(m.msgId);
  if (at === undefined || at < m.dataSentAt) return 'none';
  const sentAt = h.deleteSentAt.get(m.msgId) ?? at;
  const authAt = h.deleteAuthAt.get(m.msgId) ?? sentAt;
  return sentAt < m.ackedAt && authAt < m.dataSentAt ? 'either' : 'deleted';
}

/**
 * Nodes (not holding the message at the ack) that left or lost their disk while the message was being
 * stored: a copy there may have been made durable and destroyed before the 250 reached the client.
 */
function copiesDestroyedBeforeAck(r: SimResult, m: AckedMessage): number {
  const nodes = new Set<NodeId>();
  for (const d of r.reconfig.destructions) {
    if (d.atMs >= m.dataSentAt && d.atMs <= m.ackedAt && !(m.holdersAtAck ?? []).includes(d.node)) nodes.add(d.node);
  }
  return nodes.size;
}

/**
 * Was every copy this message had when it was acknowledged destroyed (its node left, or lost its disk
 * after the ack)? Then it is gone for good: R copies survive fewer than R permanent failures, and lost replicas are
 * not re-created (PORCUPINE.md "Replication"). Counted apart from loss (summary: `lostWithReplicas`).
 */
export function lostWithReplicas(r: SimResult, m: AckedMessage): boolean {
  const gone = r.reconfig.destructions;
  const holders = m.holdersAtAck;
  if (gone.length === 0 || holders === undefined || holders.length === 0) return false;
  // The copy a holder had at the ack is gone if the node left (at any time: a node that left is never
  // back, even if its disk still counted at the ack) or lost its disk after the ack (a disk wiped before
  // the ack already was the new disk holding the copy).
  return holders.every((n) => gone.some((d) => d.node === n && (d.kind === 'leave' || d.atMs >= m.ackedAt)));
}

/**
 * Every acknowledged, undeleted message is listed for its user at every node that was up at the end
 * (except messages whose every copy was destroyed by permanent faults: lostWithReplicas).
 */
export function noLoss(r: SimResult): CheckResult {
  const v: string[] = [];
  const finals = finalListings(r);
  const up = new Set(r.nodesUp);
  for (const m of r.history.acked.values()) {
    if (isDeleted(r, m) || lostWithReplicas(r, m)) continue;
    const listings = finals.get(m.user) ?? [];
    const seenAt = new Set<NodeId>();
    for (const l of listings) {
      seenAt.add(l.node);
      if (!l.msgIds.includes(m.msgId)) v.push(`${m.msgId} (acked to ${m.user} by ${m.node} at ${m.ackedAt}ms) missing from ${l.node}'s listing${l.error ? ` (${l.error})` : ''}`);
    }
    for (const n of up) if (!seenAt.has(n)) v.push(`${m.msgId} for ${m.user}: no final listing from ${n}`);
  }
  return result('noLoss', v);
}

/** No listing shows a message twice: neither the same msgId nor two copies of one client message. */
export function exactlyOnceListing(r: SimResult): CheckResult {
  const v: string[] = [];
  for (const l of r.history.listings) {
    if (!l.final) continue;
    const ids = new Set<MsgId>();
    // One client message is one (Message-ID, body): a reused Message-ID with another body is another message.
    const byBody = new Map<string, MsgId>();
    for (const id of l.msgIds) {
      if (ids.has(id)) v.push(`${l.node} lists ${id} twice for ${l.user}`);
      ids.add(id);
      const body = l.bodies.get(id);
      const cid = messageIdHeader(body);
      if (cid === undefined || body === undefined) continue;
      const other = byBody.get(body);
      if (other !== undefined && other !== id) v.push(`${l.node} lists client message ${cid} twice for ${l.user}: ${other} and ${id}`);
      byBody.set(body, id);
    }
  }
  return result('exactlyOnceListing', v);
}

/** Every acknowledged message retrieved in the final check has exactly the body the client sent. */
export function byteIdenticalBodies(r: SimResult): CheckResult {
  const v: string[] = [];
  for (const l of r.history.listings) {
    if (!l.final) continue;
    for (const id of l.msgIds) {
      const acked = r.history.acked.get(id);
      if (acked === undefined) continue;
      const body = l.bodies.get(id);
      if (body === undefined) v.push(`${l.node} could not retrieve ${id} for ${l.user}`);
      else if (body !== acked.body) v.push(`${l.node} returned a different body for ${id} (${body.length} bytes, sent ${acked.body.length})`);
    }
  }
  return result('byteIdenticalBodies', v);
}

/** Every client request got a reply, unless its node crashed (a broken connection is an answer too). */
export function everyRequestAnswered(r: SimResult): CheckResult {
  const v = r.history.unanswered().map((op) => `${op.request.kind} of session ${op.session} at ${op.node} (sent ${op.sentAt}ms): ${op.outcome}`);
  return result('everyRequestAnswered', v);
}

export function noReducerThrew(r: SimResult): CheckResult {
  return result('noReducerThrew', r.errors.map((e) => `${e.node} threw on ${e.input} at step ${e.step} (${e.t}ms): ${e.error.split('\n')[0]}`));
}

/**
 * Safety at the moment of acknowledgement (DESIGN.md §4 "Acknowledgement"): when the client got 250, at
 * least `minCopies` disks durably held the message (the cluster's ackReplicas). Checked when the ack
 * happens, so a later crash or delete cannot hide a premature ack. One exception: a message the user
 * deleted (or may have) while its 250 was on its way has tombstones, not copies, on disk by then; it is
 * judged by noLoss and the delete checks instead.
 */
export function ackedDurable(r: SimResult, minCopies: number): CheckResult {
  const v: string[] = [];
  const h = r.history;
  for (const m of h.acked.values()) {
    if (m.durableCopiesAtAck >= minCopies) continue;
    if (h.deleted.has(m.msgId) || h.maybeDeleted.has(m.msgId)) continue;
    if (m.durableCopiesAtAck + copiesDestroyedBeforeAck(r, m) >= minCopies) continue;
    v.push(`${m.msgId} for ${m.user} acknowledged by ${m.node} at ${m.ackedAt}ms with ${m.durableCopiesAtAck} durable copies (< ${minCopies})`);
  }
  return result('ackedDurable', v);
}

/** No invariant checked during the run was violated. */
export function noInvariantViolated(r: SimResult): CheckResult {
  return result('noInvariantViolated', [...r.violations]);
}

/**
 * A message whose deletion was confirmed (QUIT answered OK) never shows up again: by default in the final
 * listings; with `everyListing`, in any listing authenticated after the confirmation (read-your-deletes).
 * A message acknowledged again after its deletion (a sender's retry, see isDeleted) is a new delivery.
 */
export function deletedNeverReappears(r: SimResult, opts: { everyListing?: boolean } = {}): CheckResult {
  const v: string[] = [];
  const bodies = bodiesByMsgId(r);
  for (const l of r.history.listings) {
    if (!l.final && !opts.everyListing) continue;
    for (const id of l.msgIds) {
      const at = r.history.deleted.get(id);
      const acked = r.history.acked.get(id);
      // Delivered again after the deletion, or concurrently with it (either outcome is legal).
      if (acked !== undefined && deletionOf(r, acked) !== 'deleted') continue;
      if (acked === undefined && at !== undefined && retriedAfterDelete(r, id, bodies.get(id))) continue;
      if (at !== undefined && at < l.authAt) v.push(`${id} (deleted at ${at}ms) listed again by ${l.node} for ${l.user} at ${l.authAt}ms`);
    }
  }
  return result('deletedNeverReappears', v);
}

/**
 * A message never acknowledged (every attempt answered 4xx, RFC 5321 §6.3: at-least-once) may still have
 * been stored, listed and deleted — and stored again by a later attempt: did an attempt send DATA after the
 * deleting session listed the mailbox? (B3 in docs/bugs-found-by-properties.md.)
 */
function retriedAfterDelete(r: SimResult, id: MsgId, body: string | undefined): boolean {
  const h = r.history;
  if (body === undefined) return false;
  const last = h.lastDataSentAt.get(body);
  const listedAt = h.deleteAuthAt.get(id) ?? h.deleted.get(id);
  return last !== undefined && listedAt !== undefined && last > listedAt;
}

/** Bodies of listed messages, from any retrieval (a client message is its body: Message-ID header included). */
function bodiesByMsgId(r: SimResult): Map<MsgId, string> {
  const out = new Map<MsgId, string>();
  for (const l of r.history.listings) {
    for (const [id, body] of l.bodies) {
      if (!out.has(id) && body !== undefined) out.set(id, body);
    }
  }
  return out;
}

/** The final listings of one user agree at every node (convergence after the heal phase). */
export function listingsAgree(r: SimResult): CheckResult {
  const v: string[] = [];
  for (const [user, ls] of finalListings(r)) {
    const ok = ls.filter((l) => l.error === undefined);
    if (ok.length < 2) continue;
    const ref = [...ok[0].msgIds].sort().join(',');
    for (const l of ok.slice(1)) {
      if ([...l.msgIds].sort().join(',') !== ref) v.push(`${user}: ${ok[0].node} lists ${ok[0].msgIds.length} messages, ${l.node} lists ${l.msgIds.length} (or different ones)`);
    }
  }
  return result('listingsAgree', v);
}

/**
 * Liveness within the bounds: every client session of the fault phase finished before the drain bound, and
 * the final check (after the heal phase) finished before its bound.
 */
export function phasesCompleted(r: SimResult): CheckResult {
  const v: string[] = [];
  if (!r.phases.workloadCompleted) v.push(`client sessions still open ${r.config.phases.drainMsMax}ms after the last arrival (abandoned at ${Math.round(r.phases.faultPhaseEndMs)}ms)`);
  if (!r.phases.finalCheckCompleted && r.config.phases.finalCheck !== 'none') {
    const p = r.phases;
    const shown = p.finalCheckOutstanding.slice(0, 5).join(', ');
    const more = p.finalCheckOutstanding.length > 5 ? ` and ${p.finalCheckOutstanding.length - 5} more` : '';
    v.push(
      `the final check stalled: ${p.finalCheckUsersDone} of ${p.finalCheckUsers} users checked, none finished in its last ${r.config.phases.finalCheckMsMax}ms ` +
        `(stopped at ${Math.round(p.finalCheckEndMs)}ms); still being checked: ${shown || 'none'}${more}`,
    );
  }
  return result('phasesCompleted', v);
}

/**
 * No user's mail is durably held by more than `maxNodes` nodes. Spread is a soft bound (PORCUPINE.md: load
 * information can be stale, nodes fail), so this check is soft: reported, never failing a run by itself.
 */
export function spreadBound(r: SimResult, maxNodes: number): CheckResult {
  const v: string[] = [];
  for (const [user, nodes] of r.holders) if (nodes.length > maxNodes) v.push(`${user}'s mail is on ${nodes.length} nodes (${nodes.join(',')}) > ${maxNodes}`);
  return result('spreadBound', v, true);
}

/**
 * The default for `spreadBound`: each of `spread` fragments replicated R times, so spread × R nodes, and never
 * below spread × 2 (the bound before R = 3 existed; kept for R ≤ 2 and the unreplicated path, so no run's
 * check got looser). With R > spread a store cannot stay within `spread` nodes at all: the coordinator comes
 * from the spread and the further copies go where the choice finds room (replica-choice.ts), and a store in a
 * view of exactly R live nodes must use all of them whatever the user's fragments are (the kept trace
 * replication-takeover-r3-5-nodes: two of five nodes down, R = 3, user0 on 5 nodes).
 */
export function defaultSpreadMaxNodes(node: SimResult['config']['node']): number {
  return node.spread * Math.max(2, node.replicas ?? 0);
}

/**
 * The standard battery. `spreadMaxNodes` defaults to `defaultSpreadMaxNodes` (spread × max(2, R), DESIGN.md
 * §4); `ackedCopiesMin` defaults to the cluster's ackReplicas (min(2, R); 1 on the unreplicated path).
 */
export function checkAll(r: SimResult, opts: { spreadMaxNodes?: number; ackedCopiesMin?: number } = {}): CheckResult[] {
  return [
    ackedDurable(r, opts.ackedCopiesMin ?? effectiveAckReplicas(r.config.node)),
    noReducerThrew(r),
    noInvariantViolated(r),
    everyRequestAnswered(r),
    phasesCompleted(r),
    noLoss(r),
    exactlyOnceListing(r),
    byteIdenticalBodies(r),
    deletedNeverReappears(r),
    listingsAgree(r),
    spreadBound(r, opts.spreadMaxNodes ?? defaultSpreadMaxNodes(r.config.node)),
  ];
}

function messageIdHeader(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  const m = /^Message-ID: (<[^>\r\n]*>)/m.exec(body);
  return m?.[1];
}
