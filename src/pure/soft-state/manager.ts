// The user manager (PORCUPINE.md "Modules", back end): for the users whose bucket this node manages it keeps
// the mail map and the profile soft state, answers lookups from proxies and applies fragment notices from
// mailbox managers. Soft state: lost at a crash, rebuilt by reconstruction (reconstruct*.ts, membership work).
import type { Message, UserInfoStatus } from '../messages.js';
import { PMap } from '../pmap.js';
import { send, trace, type StepCtx } from '../step-context.js';
import { bucketOf } from '../hash.js';
import type { Bucket, NodeId, UserId } from '../types.js';
import { findProfile, isLiveProfile, type Profile, type UserDb } from '../user-db/user-db.js';
import { managerOf, type UserMap } from '../user-map/user-map.js';
import { addFragmentNode, describeMailMap, fragmentNodes, removeFragmentNode, type MailMap } from './mail-map.js';
import { reportWaitMaxMs } from './reconstruct-limits.js';

/** The members whose reconstruction report a newly managed bucket still waits for, since when (env time). */
export interface AwaitedReports {
  readonly since: number;
  readonly nodes: readonly NodeId[];
}

export interface ManagerState {
  readonly mailMap: MailMap;
  /**
   * Profile soft state: a cache of profiles reported by the user DB replica (reconstruction fills it once
   * profiles are replicated). In this issue the user DB lives on the manager itself (docs/decisions.md),
   * so a miss falls through to the local user DB.
   */
  readonly profiles: PMap<Profile>;
  /**
   * Buckets this node took over in its current view whose reports have not all arrived. Until they have
   * (or `reportWaitMaxMs` passed), a user missing here may be a user whose profile is still on its way from
   * a replica, so a lookup gets the temporary `rebuilding`, not the permanent `unknown` (a 550 for an
   * existing user right after a reconfiguration; docs/bugs-found-by-properties.md).
   */
  readonly awaiting: PMap<AwaitedReports, Bucket>;
}

export function emptyManagerState(): ManagerState {
  return { mailMap: PMap.empty(), profiles: PMap.empty(), awaiting: PMap.empty() };
}

/**
 * Whether this node's view can tell that a user does not exist. Not before the node is admitted by a view
 * (a restart routes by its provisional epoch-0 map, with empty soft state and no report on its way), and not
 * while `replicas` or more of the nodes it knows are outside the view: a profile lives on `replicas` nodes
 * (one without replication), so they may all be on the other side (a restarted node that formed a view of
 * its own under load answered 550 for every user created while it was down). Such a node answers the
 * temporary `rebuilding`: a 451 is retried by the sender, a 550 bounces mail for good.
 */
export function mayDenyExistence(joined: boolean, members: readonly NodeId[], known: readonly NodeId[], replicas: number): boolean {
  if (!joined) return false;
  let outside = 0;
  for (const n of known) if (!members.includes(n)) outside++;
  return outside < Math.max(1, replicas);
}

/** Whether a user missing from this manager may still arrive by a report (see ManagerState.awaiting). */
export function stillRebuilding(state: ManagerState, user: UserId, now: number, canDeny: boolean): boolean {
  if (!canDeny) return true;
  const a = state.awaiting.get(bucketOf(user));
  return a !== undefined && a.nodes.length > 0 && now - a.since < reportWaitMaxMs;
}

/** Buckets that still answer unknown users with the temporary `rebuilding` at `now` (status pages). */
export function bucketsRebuilding(state: ManagerState, now: number, canDeny: boolean, userMap: UserMap, self: NodeId | undefined): number {
  if (!canDeny) return userMap.filter((e) => e.node === self).length;
  let n = 0;
  state.awaiting.forEach((a) => {
    if (a.nodes.length > 0 && now - a.since < reportWaitMaxMs) n++;
  });
  return n;
}

/** `from` has reported on these buckets: they no longer wait for it. */
export function reportArrived(state: ManagerState, from: NodeId, buckets: Iterable<Bucket>): ManagerState {
  let awaiting = state.awaiting;
  for (const b of buckets) {
    const a = awaiting.get(b);
    if (a === undefined || !a.nodes.includes(from)) continue;
    const nodes = a.nodes.filter((n) => n !== from);
    awaiting = nodes.length === 0 ? awaiting.delete(b) : awaiting.set(b, { ...a, nodes });
  }
  return awaiting === state.awaiting ? state : { ...state, awaiting };
}

export function managesUser(userMap: UserMap, self: NodeId, user: UserId): boolean {
  return managerOf(userMap, user) === self;
}

export function profileOf(state: ManagerState, db: UserDb, user: UserId): Profile | undefined {
  const cached = state.profiles.get(user);
  if (cached !== undefined) return isLiveProfile(cached) ? cached : undefined;
  return findProfile(db, user);
}

type LookupUser = Extract<Message, { kind: 'lookupUser' }>;

/** `canDeny`: this node's view can tell that a user does not exist (mayDenyExistence). */
export function onLookupUser(ctx: StepCtx, state: ManagerState, db: UserDb, userMap: UserMap, canDeny: boolean, from: NodeId, m: LookupUser): void {
  let status: UserInfoStatus = 'notManager';
  let profile: Profile | undefined;
  if (managesUser(userMap, ctx.self, m.user)) {
    profile = profileOf(state, db, m.user);
    status = profile !== undefined ? 'ok' : stillRebuilding(state, m.user, ctx.env.now, canDeny) ? 'rebuilding' : 'unknown';
  }
  const mailMap = status === 'ok' ? fragmentNodes(state.mailMap, m.user) : [];
  const reply: Message =
    m.purpose === 'auth' && profile !== undefined
      ? { kind: 'userInfo', rid: m.rid, user: m.user, status, verifier: profile.verifier, mailMap, load: ctx.load }
      : { kind: 'userInfo', rid: m.rid, user: m.user, status, mailMap, load: ctx.load };
  send(ctx, from, reply);
}

type MailMapUpdate = Extract<Message, { kind: 'mailMapUpdate' }>;

/** Why a fragment notice is not applied (a stale user map at the sender), or undefined to apply it. */
export function ignoreMailMapUpdate(ctx: StepCtx, userMap: UserMap, m: MailMapUpdate): string | undefined {
  return managesUser(userMap, ctx.self, m.user) ? undefined : 'not the manager of this user';
}

export function onMailMapUpdate(ctx: StepCtx, state: ManagerState, userMap: UserMap, from: NodeId, m: MailMapUpdate): ManagerState {
  const reason = ignoreMailMapUpdate(ctx, userMap, m);
  if (reason !== undefined) {
    // No ack: the sender keeps retrying, and after a map change it sends to the new manager.
    trace(ctx, 'Drop', { input: m.kind, from, reason });
    return state;
  }
  const mailMap = m.present
    ? addFragmentNode(state.mailMap, m.user, from, m.stamp)
    : removeFragmentNode(state.mailMap, m.user, from, m.stamp);
  send(ctx, from, { kind: 'mailMapAck', user: m.user, stamp: m.stamp });
  if (mailMap === state.mailMap) return state;
  trace(ctx, m.present ? 'AddFragment' : 'DropFragment', { user: m.user, node: from });
  return { ...state, mailMap };
}

export function describeManager(state: ManagerState): string {
  return `mailmap{${describeMailMap(state.mailMap)}}`;
}
