// Soft-state reconstruction after a user-map change (PORCUPINE.md "Self-management": "a two-step,
// distributed, unsynchronised process"; DESIGN.md §4). Step 1, at every node: compare the old and new
// maps and tell the new manager of every changed bucket which of its users have a mailbox fragment here,
// and which user profiles this node is responsible for reporting (the highest live replica). Step 2, at
// each manager: rebuild the mail maps and profile cache of the buckets it newly manages from those
// reports alone. Pure functions over plain data; the node reducer sends the reports and applies them.
import { assert } from '../assert.js';
import { bucketOf } from '../hash.js';
import { compareNodeId, type Bucket, type NodeId, type UserId } from '../types.js';
import type { BucketOwner } from '../user-map/reassign.js';

/**
 * Buckets whose soft state must be rebuilt: those whose entry (manager or epoch) differs between the maps
 * — a re-stamped entry means its manager restarted and lost its soft state — or every bucket when this
 * node has just joined (its own view of the old map means nothing: a new incarnation).
 */
export function changedBuckets(
  oldMap: readonly BucketOwner[],
  newMap: readonly BucketOwner[],
  selfJustJoined: boolean,
): Bucket[] {
  assert(oldMap.length === newMap.length, 'changedBuckets: maps of different sizes');
  const out: Bucket[] = [];
  for (let b = 0; b < newMap.length; b++) {
    if (selfJustJoined || oldMap[b].node !== newMap[b].node || oldMap[b].epoch !== newMap[b].epoch) out.push(b);
  }
  return out;
}

/** The changed buckets this node now manages: their soft state starts empty and is filled by reports. */
export function bucketsToRebuild(changed: readonly Bucket[], newMap: readonly BucketOwner[], self: NodeId): Bucket[] {
  return changed.filter((b) => newMap[b].node === self);
}

/** A user profile held here, with the replica set it is replicated on (user-db). */
export interface HeldProfile {
  readonly user: UserId;
  readonly replicas: readonly NodeId[];
}

/** What one node tells one new manager about the changed buckets that manager now manages. */
export interface SoftStateReport {
  readonly manager: NodeId;
  /** The changed buckets of `manager` covered by this report (all of them, reported or not). */
  readonly buckets: readonly Bucket[];
  /** Users of those buckets with a non-empty mailbox fragment on the reporting node, sorted. */
  readonly users: readonly UserId[];
  /** Users of those buckets whose profile this node reports (it is the highest live replica), sorted. */
  readonly profiles: readonly UserId[];
}

/**
 * Step 1: the reports this node sends, one per new manager of a changed bucket, also when it has nothing
 * to tell: an empty report tells the manager that this node holds nothing there, so the manager can tell
 * "no such user" from "its profile has not arrived yet" (manager.ts, `awaiting`). The report to `self` is
 * applied locally without a message.
 * Bucket of a user is `bucketOf(user)` (DESIGN.md §4).
 */
export function reportsFor(
  changed: readonly Bucket[],
  fragmentsHeld: Iterable<UserId>,
  profilesHeld: Iterable<HeldProfile>,
  newMap: readonly BucketOwner[],
  liveNodes: readonly NodeId[],
  self: NodeId,
): SoftStateReport[] {
  const changedSet = new Set(changed);
  const byManager = new Map<NodeId, { users: UserId[]; profiles: UserId[] }>();
  for (const b of changed) if (!byManager.has(newMap[b].node)) byManager.set(newMap[b].node, { users: [], profiles: [] });
  const entry = (user: UserId): { users: UserId[]; profiles: UserId[] } | undefined => {
    const b = bucketOf(user) % newMap.length;
    return changedSet.has(b) ? byManager.get(newMap[b].node) : undefined;
  };
  for (const user of fragmentsHeld) entry(user)?.users.push(user);
  const live = new Set(liveNodes);
  for (const p of profilesHeld) {
    if (highestLiveReplica(p.replicas, live, self) === self) entry(p.user)?.profiles.push(p.user);
  }
  return [...byManager.entries()]
    .sort(([a], [b]) => compareNodeId(a, b))
    .map(([manager, r]) => ({
      manager,
      buckets: changed.filter((b) => newMap[b].node === manager),
      users: [...new Set(r.users)].sort(),
      profiles: [...new Set(r.profiles)].sort(),
    }));
}

/**
 * The replica that reports a profile: the highest live one in NodeId order (PORCUPINE.md: "sent only by
 * the replica with the highest address"). `self` counts as live: it is running this code.
 */
export function highestLiveReplica(replicas: readonly NodeId[], live: ReadonlySet<NodeId>, self: NodeId): NodeId | undefined {
  let best: NodeId | undefined;
  for (const r of replicas) {
    if ((live.has(r) || r === self) && (best === undefined || compareNodeId(r, best) > 0)) best = r;
  }
  return best;
}

/** Nodes that left the membership: every manager forgets them in the mail maps it keeps. */
export function departedNodes(previousMembers: readonly NodeId[], members: readonly NodeId[]): NodeId[] {
  const now = new Set(members);
  return previousMembers.filter((n) => !now.has(n));
}

/**
 * Step 2 at a manager, for one report: in the report's buckets, `reporter` holds a fragment of exactly the
 * reported users. Replace semantics (not union) makes reports idempotent and order-independent, and
 * correct also for a reporter whose old map was stale. The mail map is abstracted as a lookup plus a
 * list of users per bucket so the soft-state module can keep its own representation.
 */
export function applyReport<M>(
  mailMap: M,
  reporter: NodeId,
  report: Pick<SoftStateReport, 'buckets' | 'users'>,
  ops: MailMapOps<M>,
): M {
  const buckets = new Set(report.buckets);
  const reported = new Set(report.users);
  let m = mailMap;
  for (const user of ops.usersIn(m, buckets)) {
    if (!reported.has(user)) m = ops.remove(m, user, reporter);
  }
  for (const user of reported) m = ops.add(m, user, reporter);
  return m;
}

/** The operations applyReport needs from a mail-map representation. */
export interface MailMapOps<M> {
  /** Users in these buckets that have any entry in the map. */
  usersIn(m: M, buckets: ReadonlySet<Bucket>): Iterable<UserId>;
  add(m: M, user: UserId, node: NodeId): M;
  remove(m: M, user: UserId, node: NodeId): M;
}

/**
 * The buckets of a report that `node` manages under `map`. A report states the reporter's fragments (as of
 * its stamp) and is true whoever manages the bucket, so a manager applies it to every reported bucket it
 * manages; epochs cannot decide staleness here, since two partitions may commit the same epoch number.
 */
export function bucketsManagedBy(buckets: readonly Bucket[], map: readonly BucketOwner[], node: NodeId): Bucket[] {
  return buckets.filter((b) => map[b].node === node);
}
