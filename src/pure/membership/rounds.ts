// The three rounds (a variant of Three Round Membership; PORCUPINE.md "Self-management", DESIGN.md §4):
//   1. newGroup — a node that detected a change proposes epoch = max(its Lamport clock, wall clock) + 1 to every node it
//      knows of; the largest proposal (epoch, then NodeId) wins when several propose at once;
//   2. accept   — a node accepts the largest proposal it has seen and answers with its installed map;
//   3. commit   — when the round timer fires, the members are exactly the nodes that accepted; the
//      coordinator recomputes the user map with minimal change and sends the view to every member.
// Stale or outbid messages are traced drops, never exceptions (DESIGN.md §3).
import type { Env, NodeId } from '../types.js';
import { divergentBuckets, mergeMaps, reassign, sortedNodes } from '../user-map/reassign.js';
import { detectChange, setTimer } from './detector.js';
import {
  compareProposal,
  viewIdOf,
  type MembershipEffect,
  type MembershipMessage,
  type Proposal,
  type View,
  type ViewId,
} from './messages.js';
import { withClock, withKnown, type Acceptance, type MembershipState } from './state.js';

type Out = MembershipEffect[];

function dropStale(s: MembershipState, from: NodeId, message: MembershipMessage, why: string, out: Out): MembershipState {
  out.push({ kind: 'trace', action: 'DropStale', args: { node: s.self, from, message: message.kind, why } });
  return s;
}

/** `start` timer: propose if a change is still wanted and no round is under way here. */
export function onStartTimer(s: MembershipState, out: Out, nowMs: number): MembershipState {
  const next = { ...s, startPending: false };
  if (!s.wantRound || s.phase.kind !== 'idle') return next; // a round in progress answers the change
  return becomeCoordinator(next, out, nowMs);
}

/** Round 1: propose one more than every epoch seen, to every node known (members, seeds, senders). */
function becomeCoordinator(s: MembershipState, out: Out, nowMs: number): MembershipState {
  // The Lamport clock is soft state: a node that restarted or lost its disk has forgotten every epoch it saw.
  // Proposing from the wall clock too (a hybrid logical clock, like replication's timestamps) keeps such a
  // node from reusing an epoch number the cluster already committed: a reused number stamped its buckets
  // like the old view's, so reconstruction skipped them and acknowledged mail vanished from listings
  // (properties/replication-durability.test.ts, docs/bugs-found-by-properties.md B7).
  const wall = s.bugs.epochFromLamportOnly ? 0 : Math.floor(nowMs); // seeded bug: no wall clock
  const epoch = Math.max(s.clock, s.view.epoch, s.promised?.epoch ?? 0, wall) + 1;
  const proposal: Proposal = { epoch, coordinator: s.self };
  const own: Acceptance = { node: s.self, fresh: !s.joined, map: s.joined ? s.view.map : null, members: s.joined ? s.view.members : null, view: s.joined ? viewIdOf(s.view) : null };
  for (const n of sortedNodes([...s.known, ...s.view.members])) {
    if (n !== s.self) out.push({ kind: 'send', to: n, message: { kind: 'memNewGroup', proposal } });
  }
  setTimer(out, 'round', s.limits.roundTimeoutMs);
  out.push({ kind: 'trace', action: 'ProposeEpoch', args: { node: s.self, epoch } });
  const next: MembershipState = { ...s, clock: epoch, promised: proposal, wantRound: false, phase: { kind: 'coordinating', proposal, accepts: [own] } };
  if (!s.bugs.commitBeforeRoundCloses) return next;
  // Seeded bug: round 3 at once, counting every node round 1 went to as if it had accepted.
  const unanswered = sortedNodes([...s.known, ...s.view.members]).filter((n) => n !== s.self);
  const accepts = [own, ...unanswered.map((node): Acceptance => ({ node, fresh: false, map: null, members: null, view: null }))];
  return onRoundTimer({ ...next, phase: { kind: 'coordinating', proposal, accepts } }, out);
}

/**
 * Round 2 at a participant: accept the largest proposal — (epoch, then coordinator NodeId) not smaller than
 * any proposal accepted (a duplicate is answered again) — provided its epoch *number* exceeds the installed
 * view's; refuse (nack) the rest. WHY the number against the view: every entry of the new map stamped with
 * the new epoch is then newer than every entry of every member's old map, so `changedBuckets` (which
 * compares `{ node, epoch }`) sees each moved or re-stamped bucket — a restarted coordinator proposing its
 * old epoch number again would otherwise re-stamp buckets invisibly. Concurrent proposals with one number
 * still tie-break by NodeId; downstream, reports and the stash compare view ids, never bare epochs.
 */
export function onNewGroup(s0: MembershipState, from: NodeId, proposal: Proposal, out: Out): MembershipState {
  const s = withKnown(withClock(s0, proposal.epoch), [from]);
  const stale = !s.bugs.acceptStaleEpoch && (proposal.epoch <= s.view.epoch || (s.promised !== null && compareProposal(proposal, s.promised) < 0));
  if (stale) {
    out.push({ kind: 'send', to: from, message: { kind: 'memNack', proposal, clock: s.clock } });
    return dropStale(s, from, { kind: 'memNewGroup', proposal }, 'proposal not larger than view or promise', out);
  }
  if (s.phase.kind === 'coordinating' && compareProposal(s.phase.proposal, proposal) !== 0) {
    out.push({ kind: 'cancelTimer', timer: 'round' });
    out.push({ kind: 'trace', action: 'AbandonProposal', args: { node: s.self, epoch: s.phase.proposal.epoch } });
  }
  const map = s.joined ? s.view.map : null;
  const members = s.joined ? s.view.members : null;
  const view = s.joined ? viewIdOf(s.view) : null;
  const known = s.known;
  out.push({ kind: 'send', to: from, message: { kind: 'memAccept', proposal, fresh: !s.joined, map, members, view, known } });
  setTimer(out, 'commit', s.limits.commitTimeoutMs);
  out.push({ kind: 'trace', action: 'AcceptEpoch', args: { node: s.self, epoch: proposal.epoch, coordinator: from } });
  return { ...s, promised: proposal, phase: { kind: 'accepted', proposal } };
}

export function onAccept(
  s0: MembershipState,
  from: NodeId,
  m: Extract<MembershipMessage, { kind: 'memAccept' }>,
  out: Out,
): MembershipState {
  const s = withKnown(withClock(s0, m.proposal.epoch), [from, ...m.known]);
  if (s.phase.kind !== 'coordinating' || compareProposal(s.phase.proposal, m.proposal) !== 0) {
    return dropStale(s, from, m, 'not coordinating this proposal', out);
  }
  // Nodes first heard of through this acceptor get the proposal now, while round 2 is still open.
  for (const n of s.known) {
    if (!s0.known.includes(n) && n !== from) out.push({ kind: 'send', to: n, message: { kind: 'memNewGroup', proposal: m.proposal } });
  }
  if (s.phase.accepts.some((a) => a.node === from)) return s; // a duplicate
  // `?? null`: an accept from a node of an older release has no `view` (a rolling upgrade): not behind then.
  const accepts = [...s.phase.accepts, { node: from, fresh: m.fresh, map: m.map, members: m.members, view: m.view ?? null }];
  return { ...s, phase: { ...s.phase, accepts } };
}

/** Outbid: give the proposal up and propose again later from the larger clock (unless another wins first). */
export function onNack(
  s0: MembershipState,
  from: NodeId,
  m: Extract<MembershipMessage, { kind: 'memNack' }>,
  env: Env,
  out: Out,
): MembershipState {
  const s = withKnown(withClock(s0, m.clock), [from]);
  if (s.phase.kind !== 'coordinating' || compareProposal(s.phase.proposal, m.proposal) !== 0) {
    return dropStale(s, from, m, 'not coordinating this proposal', out);
  }
  out.push({ kind: 'cancelTimer', timer: 'round' });
  return detectChange({ ...s, phase: { kind: 'idle' }, promised: null }, 'outbid', from, env, out);
}

/** Round 3 at the coordinator: the acceptors are the membership; recompute the map; send the view. */
export function onRoundTimer(s: MembershipState, out: Out): MembershipState {
  if (s.phase.kind !== 'coordinating') return s;
  const { proposal, accepts } = s.phase;
  // Seeded bug membershipFromProposalNotAnswers: everyone round 1 went to, answered or not.
  const members = sortedNodes(s.bugs.membershipFromProposalNotAnswers ? [s.self, ...s.known, ...s.view.members] : accepts.map((a) => a.node));
  const reported = accepts.filter((a) => !a.fresh && a.map !== null).map((a) => a.map!);
  // Own map first: on equal epochs the coordinator's entry wins. A fresh coordinator's map means nothing.
  const base = reported.length === 0 ? s.view.map : mergeMaps(reported);
  // Fresh nodes lost their soft state; buckets the members disagree on (a member missed a view, or two
  // partitions merge) may have incomplete soft state at their manager. Re-stamping both makes every
  // member report them and their manager rebuild them (soft-state/reconstruct.ts).
  const restamp = accepts.filter((a) => a.fresh).map((a) => a.node);
  const restampBuckets = divergentBuckets(base, reported);
  const view: View = {
    epoch: proposal.epoch,
    coordinator: s.self,
    members,
    map: reassign(base, members, proposal.epoch, { restamp, restampBuckets, bugs: s.bugs }),
    rejoined: rejoinedMembers(accepts, members),
  };
  for (const n of members) if (n !== s.self) out.push({ kind: 'send', to: n, message: { kind: 'memCommit', view } });
  out.push({ kind: 'trace', action: 'CommitEpoch', args: { node: s.self, epoch: view.epoch, members } });
  return install(s, view, out);
}

/**
 * Members a manager may have forgotten: fresh ones, those missing from some acceptor's previous view (it saw
 * them leave, so it dropped them from its mail maps), and those whose installed view is older than another
 * acceptor's. They report everything, like a new node. WHY the last: `rejoined` is said once, in the view that
 * readmits a node; a node that accepted that view but never got its commit (lost) installs a later one whose
 * acceptors all list it as a member, so nobody names it again, and it never re-reports the fragments its
 * managers forgot when they saw it leave (docs/bugs-found-by-properties.md B17). A node that missed a view
 * cannot tell whether that view excluded it; the coordinator sees that it is behind.
 */
export function rejoinedMembers(accepts: readonly Acceptance[], members: readonly NodeId[]): NodeId[] {
  let newest: ViewId | null = null;
  for (const a of accepts) if (a.view !== null && (newest === null || compareProposal(a.view, newest) > 0)) newest = a.view;
  const behind = (a: Acceptance): boolean => a.view !== null && newest !== null && compareProposal(a.view, newest) < 0;
  return members.filter(
    (m) =>
      accepts.some((a) => a.node === m && (a.fresh || behind(a))) ||
      accepts.some((a) => a.members !== null && !a.members.includes(m)),
  );
}

/** An accepted proposal was never committed: the coordinator is gone; start a round ourselves. */
export function onCommitTimer(s: MembershipState, env: Env, out: Out): MembershipState {
  if (s.phase.kind !== 'accepted') return s;
  const waitedFor = s.phase.proposal.coordinator;
  return detectChange({ ...s, phase: { kind: 'idle' }, promised: null }, 'coordinatorSilent', waitedFor, env, out);
}

/** Round 3 at a participant: install a larger view that includes us; an excluded node asks for a round. */
export function onCommit(s0: MembershipState, from: NodeId, view: View, env: Env, out: Out): MembershipState {
  const s = withKnown(withClock(s0, view.epoch), [from, ...view.members]);
  // Epoch numbers grow strictly at each node (see onNewGroup); a second view with the installed number is
  // left for the detectors (its members' pongs differ) and the next round.
  if (view.epoch <= s.view.epoch && !s.bugs.acceptStaleEpoch) {
    return dropStale(s, from, { kind: 'memCommit', view }, 'epoch not larger than the installed one', out);
  }
  if (!view.members.includes(s.self)) {
    const traced = dropStale(s, from, { kind: 'memCommit', view }, 'excluded from the view', out);
    return detectChange(traced, 'excluded', from, env, out);
  }
  if (!s.joined && (s.promised === null || compareProposal(s.promised, viewIdOf(view)) !== 0)) {
    // A view from before this node restarted (a commit re-sent to a member "behind"): it lists us but
    // did not re-stamp our buckets, so nobody would report to us. Wait for a view we accepted as fresh.
    return dropStale(s, from, { kind: 'memCommit', view }, 'fresh incarnation: not a view it accepted', out);
  }
  return install(s, view, out);
}

function install(s: MembershipState, view: View, out: Out): MembershipState {
  const covered = s.promised !== null && compareProposal(s.promised, viewIdOf(view)) <= 0;
  const phaseDone = s.phase.kind !== 'idle' && compareProposal(s.phase.proposal, viewIdOf(view)) <= 0;
  if (phaseDone) out.push({ kind: 'cancelTimer', timer: s.phase.kind === 'accepted' ? 'commit' : 'round' });
  out.push({ kind: 'trace', action: 'InstallView', args: { node: s.self, epoch: view.epoch, members: view.members } });
  // Seeded bug forgetJoinedNodeReportsAll: a readmitted member reports only what changed.
  const rejoined = view.rejoined.includes(s.self) && !s.bugs.forgetJoinedNodeReportsAll;
  out.push({ kind: 'installed', previous: s.view, view, selfJustJoined: !s.joined || rejoined });
  return {
    ...withKnown(s, view.members),
    view,
    joined: true,
    promised: covered ? null : s.promised,
    phase: phaseDone ? { kind: 'idle' } : s.phase,
    wantRound: false,
    pingsUnanswered: 0,
    suspects: s.suspects.filter((x) => view.members.includes(x.node)),
  };
}
