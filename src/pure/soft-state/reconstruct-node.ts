// Soft-state reconstruction inside the node (DESIGN.md §4; the pure steps are in reconstruct.ts). When the
// membership installs a view: the node takes the new map, forgets the soft state of buckets it no longer
// manages or must rebuild, forgets departed nodes in its mail maps, applies its own report locally and
// queues one report per other new manager. Reports are recomputed from the hard state each time they are
// sent (so a retry never carries stale fragments) and re-sent until acknowledged.
import { compareProposal, viewIdOf, type View, type ViewId } from '../membership/messages.js';
import type { Message } from '../messages.js';
import type { NodeState } from '../node-state.js';
import { PMap } from '../pmap.js';
import { send, type StepCtx } from '../step-context.js';
import { bucketOf } from '../hash.js';
import type { Bucket, NodeId, UserId } from '../types.js';
import { addFragmentNode, removeFragmentNode, type MailMap } from './mail-map.js';
import { reportArrived, type AwaitedReports, type ManagerState } from './manager.js';
import { bucketsManagedBy, bucketsToRebuild, changedBuckets, reportsFor } from './reconstruct.js';
import { reportRetryMs, reportsPerRetryMax } from './reconstruct-limits.js';
import type { ReconstructionMessage } from './reconstruct-messages.js';
import type { Outbound, Report } from './reconstruction-state.js';
import { profileObjectId } from '../replication/objects.js';

export const reconstructRetryTimer = 'reconstruct:retry';

/** The `installed` effect of the membership: switch maps, reset soft state, report. */
export function onViewInstalled(ctx: StepCtx, s0: NodeState, previous: View, view: View, selfJustJoined: boolean): NodeState {
  const changed = changedBuckets(previous.map, view.map, selfJustJoined);
  let s: NodeState = { ...s0, userMap: view.map, members: view.members };
  const rebuild = new Set(bucketsToRebuild(changed, view.map, ctx.self));
  s = { ...s, manager: resetManagerState(s.manager, previous, view, ctx.self, rebuild, ctx.config.membershipBugs?.keepDepartedNodes) };
  s = { ...s, manager: awaitReports(s.manager, view, ctx.self, rebuild, ctx.env.now) };
  ctx.effects.push({
    kind: 'trace',
    action: 'ReconstructSoftState',
    // map, members, rejoined and changedBuckets let spec/PorcupineMail.tla follow the reset and the reports
    // (src/conformance/mail.ts); `rejoined` is the view's word, not selfJustJoined, so a node that fails to
    // report everything on joining shows as a changed set smaller than the spec's.
    args: {
      node: ctx.self,
      epoch: view.epoch,
      changed: changed.length,
      rebuild: rebuild.size,
      map: view.map.map((e) => [e.node, e.epoch]),
      members: view.members,
      rejoined: view.rejoined.includes(ctx.self),
      changedBuckets: changed.length === view.map.length ? 'all' : changed,
    },
  });
  s = applyStash(ctx, s, viewIdOf(view));
  s = { ...s, reconstruction: { ...s.reconstruction, outbound: keepApplicable(s.reconstruction.outbound, view) } };
  const reports = ctx.config.membershipBugs?.skipSoftStateReports // seeded bug: reconstruction does nothing
    ? []
    : reportsFor(changed, s.hard.fragments.keys(), heldProfiles(s), view.map, view.members, ctx.self);
  let outbound = s.reconstruction.outbound;
  for (const r of reports) {
    if (r.manager === ctx.self) continue;
    const old = outbound.get(r.manager);
    const buckets = old === undefined ? r.buckets : [...new Set([...old.buckets, ...r.buckets])].sort((a, b) => a - b);
    outbound = outbound.set(r.manager, { view: viewIdOf(view), buckets });
  }
  s = { ...s, reconstruction: { ...s.reconstruction, outbound } };
  const own = reports.find((r) => r.manager === ctx.self);
  if (own !== undefined) {
    const stamp = s.mailbox.nextStamp;
    s = { ...s, mailbox: { ...s.mailbox, nextStamp: stamp + 1 } };
    s = applyReportHere(ctx, s, ctx.self, buildReport(s, viewIdOf(view), own.buckets, stamp));
  }
  return sendOutbound(ctx, s, reports.map((r) => r.manager).filter((m) => m !== ctx.self));
}

/**
 * Mail-map entries survive only for users this node still manages, on live nodes, outside rebuilt buckets —
 * except a rebuilt bucket this node also managed in its previous view: it kept receiving that bucket's
 * notices, and a notice acknowledged under the previous view is never sent again. Reports do not replace it:
 * a reporter that installed the new view first computed its report then, possibly before the store the
 * notice announced (issue 13: a manager installing late wiped such a notice, and the reports it had stashed
 * predated the store, so an acknowledged message vanished from every listing). A kept entry that is no longer
 * true costs one empty digest request; a dropped one hides mail.
 */
export function resetManagerState(manager: ManagerState, previous: View, view: View, self: NodeId, rebuild: ReadonlySet<Bucket>, keepDeparted = false): ManagerState {
  const live = new Set(view.members);
  const members = { has: (n: NodeId) => keepDeparted || live.has(n) }; // keepDeparted: a seeded bug (membership/bugs.ts)
  const keep = (user: UserId) => {
    const b = bucketOf(user);
    return view.map[b].node === self && (!rebuild.has(b) || previous.map[b]?.node === self);
  };
  let mailMap = manager.mailMap;
  manager.mailMap.forEach((entries, user) => {
    if (!keep(user)) mailMap = mailMap.delete(user);
    else if (entries.some((e) => !members.has(e.node))) {
      const live = entries.filter((e) => members.has(e.node));
      mailMap = live.length === 0 ? mailMap.delete(user) : mailMap.set(user, live);
    }
  });
  let profiles = manager.profiles;
  manager.profiles.forEach((_, user) => {
    if (!keep(user)) profiles = profiles.delete(user);
  });
  return { ...manager, mailMap, profiles };
}

/**
 * The reports each newly managed bucket waits for: one from every other member (every member reports every
 * changed bucket to its manager, even with nothing in it, so that silence means "not yet"). Buckets kept
 * from the previous view keep waiting only for members still in the view; buckets managed elsewhere now
 * wait for nothing here.
 */
export function awaitReports(manager: ManagerState, view: View, self: NodeId, rebuild: ReadonlySet<Bucket>, now: number): ManagerState {
  const live = new Set(view.members);
  let awaiting = manager.awaiting;
  awaiting.forEach((a, b) => {
    if (view.map[b].node !== self) awaiting = awaiting.delete(b);
    else if (a.nodes.some((n) => !live.has(n))) awaiting = awaiting.set(b, { ...a, nodes: a.nodes.filter((n) => live.has(n)) });
  });
  const others = view.members.filter((n) => n !== self);
  for (const b of rebuild) {
    const a: AwaitedReports = { since: now, nodes: others };
    awaiting = others.length === 0 ? awaiting.delete(b) : awaiting.set(b, a);
  }
  return awaiting === manager.awaiting ? manager : { ...manager, awaiting };
}

/** Pending reports shrink to the buckets their manager still manages (the others are re-reported if changed). */
function keepApplicable(outbound: PMap<Outbound>, view: View): PMap<Outbound> {
  let next = outbound;
  outbound.forEach((o, manager) => {
    const buckets = view.members.includes(manager) ? bucketsManagedBy(o.buckets, view.map, manager) : [];
    next = buckets.length === 0 ? next.delete(manager) : next.set(manager, { ...o, buckets });
  });
  return next;
}

/** Profiles held here, each replicated only here until the user DB is replicated (user-db/). */
function heldProfiles(s: NodeState): { user: UserId; replicas: readonly NodeId[] }[] {
  const self = s.self ?? '';
  // With replication, a profile's replicas are those of its replicated object (docs/replication.md).
  return s.hard.userDb.profiles.keys().map((user) => ({ user, replicas: s.hard.replication.objects.get(profileObjectId(user))?.replicas ?? [self] }));
}

function buildReport(s: NodeState, view: ViewId, buckets: readonly Bucket[], stamp: number): Report {
  const set = new Set(buckets);
  const users = s.hard.fragments.keys().filter((u) => set.has(bucketOf(u))).sort();
  const profiles: { user: UserId; verifier: string }[] = [];
  s.hard.userDb.profiles.forEach((p, user) => {
    if (set.has(bucketOf(user))) profiles.push({ user, verifier: p.verifier });
  });
  profiles.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  return { kind: 'softStateReport', view, stamp, buckets, users, profiles };
}

/** Sends the current report to each of `managers` (all pending ones when undefined), with a fresh stamp. */
function sendOutbound(ctx: StepCtx, s0: NodeState, managers?: readonly NodeId[]): NodeState {
  let s = s0;
  const targets = managers ?? s.reconstruction.outbound.keys().slice(0, reportsPerRetryMax);
  let sent = 0;
  for (const m of targets) {
    const o = s.reconstruction.outbound.get(m);
    if (o === undefined) continue;
    // The stamp comes from the mailbox's notice counter: later notices win over this report, earlier lose.
    const stamp = s.mailbox.nextStamp;
    s = { ...s, mailbox: { ...s.mailbox, nextStamp: stamp + 1 } };
    send(ctx, m, buildReport(s, o.view, o.buckets, stamp) satisfies Message);
    sent++;
  }
  const needed = s.reconstruction.outbound.size > 0;
  if (needed && !s.reconstruction.retryArmed) ctx.effects.push({ kind: 'setTimer', timer: reconstructRetryTimer, afterMs: reportRetryMs });
  const retryArmed = s.reconstruction.retryArmed || needed;
  return { ...s, reconstruction: { ...s.reconstruction, retryArmed, reportsSent: s.reconstruction.reportsSent + sent } };
}

export function onReconstructRetry(ctx: StepCtx, s: NodeState): NodeState {
  const r = { ...s.reconstruction, retryArmed: false };
  if (r.outbound.size === 0 || ctx.config.membershipBugs?.neverRetryReports) return { ...s, reconstruction: r };
  return sendOutbound(ctx, { ...s, reconstruction: r });
}

export function onSoftStateReportAck(s: NodeState, from: NodeId, m: Extract<ReconstructionMessage, { kind: 'softStateReportAck' }>): NodeState {
  const o = s.reconstruction.outbound.get(from);
  if (o === undefined || compareProposal(o.view, m.view) !== 0) return s;
  return { ...s, reconstruction: { ...s.reconstruction, outbound: s.reconstruction.outbound.delete(from) } };
}

/**
 * A report from `from`: a late duplicate (stamp not newer than the last one applied) is dropped without an
 * acknowledgement; one made in a view not installed here yet waits in the stash; any other applies now.
 */
export function onSoftStateReport(ctx: StepCtx, s0: NodeState, from: NodeId, m: Report): NodeState {
  const last = s0.reconstruction.lastStamp.get(from);
  if (last !== undefined && m.stamp <= last) {
    ctx.effects.push({ kind: 'trace', action: 'Drop', args: { input: m.kind, from, reason: 'older than a report already applied' } });
    return s0;
  }
  send(ctx, from, { kind: 'softStateReportAck', view: m.view });
  const s = { ...s0, reconstruction: { ...s0.reconstruction, lastStamp: s0.reconstruction.lastStamp.set(from, m.stamp) } };
  const current = s.membership === undefined ? undefined : viewIdOf(s.membership.view);
  if (current === undefined || compareProposal(m.view, current) > 0) {
    // Kept in arrival order, which is stamp order per reporter (older ones were dropped above).
    const stash = [...s.reconstruction.stash, { from, report: m }];
    return { ...s, reconstruction: { ...s.reconstruction, stash } };
  }
  return applyReportHere(ctx, s, from, m);
}

function applyStash(ctx: StepCtx, s0: NodeState, view: ViewId): NodeState {
  let s = s0;
  const later = s.reconstruction.stash.filter((x) => compareProposal(x.report.view, view) > 0);
  for (const x of s.reconstruction.stash) if (compareProposal(x.report.view, view) <= 0) s = applyReportHere(ctx, s, x.from, x.report);
  return { ...s, reconstruction: { ...s.reconstruction, stash: later } };
}

/** Step 2 at the manager: in the reported buckets it manages, `from` holds exactly `users`. */
function applyReportHere(ctx: StepCtx, s: NodeState, from: NodeId, m: Report): NodeState {
  const buckets = new Set(bucketsManagedBy(m.buckets, s.userMap, ctx.self));
  if (buckets.size === 0) {
    ctx.effects.push({ kind: 'trace', action: 'Drop', args: { input: m.kind, from, reason: 'report for buckets not managed here' } });
    return s;
  }
  const reported = new Set(m.users.filter((u) => buckets.has(bucketOf(u))));
  let mailMap: MailMap = s.manager.mailMap;
  const removed: UserId[] = []; // traced: the entries of `from` this report did remove (a newer notice keeps one)
  s.manager.mailMap.forEach((_, user) => {
    if (!buckets.has(bucketOf(user)) || reported.has(user)) return;
    const next = removeFragmentNode(mailMap, user, from, m.stamp);
    if (next !== mailMap) removed.push(user);
    mailMap = next;
  });
  for (const user of reported) mailMap = addFragmentNode(mailMap, user, from, m.stamp);
  let profiles = s.manager.profiles;
  for (const p of m.profiles) if (buckets.has(bucketOf(p.user))) profiles = profiles.set(p.user, { verifier: p.verifier });
  const args = { node: ctx.self, from, epoch: m.view.epoch, users: reported.size, reported: [...reported].sort(), removed: removed.sort(), buckets: [...buckets].sort((a, b) => a - b) };
  ctx.effects.push({ kind: 'trace', action: 'ApplyReport', args });
  return { ...s, manager: reportArrived({ ...s.manager, mailMap, profiles }, from, buckets) };
}
