// The user DB manager (PORCUPINE.md "Modules", back end): applies profile writes to the local user DB (hard
// state) and answers once they are durable. Not replicated in this issue: a profile lives on the node that
// manages the user's bucket (docs/decisions.md); the replication work moves it to R replicas.
import { applyHardWrite, type HardState } from '../hard-state.js';
import type { Message, RequestId } from '../messages.js';
import { PMap } from '../pmap.js';
import { allocPersistId, send, trace, type StepCtx } from '../step-context.js';
import type { NodeId, UserId } from '../types.js';
import { managerOf, type UserMap } from '../user-map/user-map.js';
import { isLiveProfile, type UserDb } from './user-db.js';

export interface PendingProfile {
  readonly user: UserId;
  readonly from: NodeId;
  readonly rid: RequestId;
}

export interface UserDbState {
  /** Profile writes not yet durable, by persist id. */
  readonly pending: PMap<PendingProfile, number>;
}

export function emptyUserDbState(): UserDbState {
  return { pending: PMap.empty() };
}

type SetProfile = Extract<Message, { kind: 'setProfile' }>;

export function onSetProfile(ctx: StepCtx, st: UserDbState, hard: HardState, userMap: UserMap, from: NodeId, m: SetProfile): { st: UserDbState; hard: HardState } {
  if (managerOf(userMap, m.user) !== ctx.self) {
    send(ctx, from, { kind: 'profileSet', rid: m.rid, status: 'notManager', load: ctx.load });
    return { st, hard };
  }
  const id = allocPersistId(ctx);
  const write = { kind: 'setProfile', user: m.user, profile: { verifier: m.verifier } } as const;
  ctx.effects.push({ kind: 'persist', id, write });
  return { st: { pending: st.pending.set(id, { user: m.user, from, rid: m.rid }) }, hard: applyHardWrite(hard, write) };
}

/** Users with a live (not removed) explicit profile here; provisioned ranges are not listed. */
export function liveProfileUsers(db: UserDb): UserId[] {
  const out: UserId[] = [];
  db.profiles.forEach((p, user) => {
    if (isLiveProfile(p)) out.push(user);
  });
  return out.sort();
}

/** A profile write failed (a full disk): the caller hears it was not saved. */
export function onPersistFailed(ctx: StepCtx, st: UserDbState, id: number, p: PendingProfile): UserDbState {
  send(ctx, p.from, { kind: 'profileSet', rid: p.rid, status: 'ok', load: ctx.load, storageFailed: true });
  return { pending: st.pending.delete(id) };
}

export function onPersisted(ctx: StepCtx, st: UserDbState, id: number, p: PendingProfile): UserDbState {
  trace(ctx, 'SetProfile', { node: ctx.self, user: p.user });
  send(ctx, p.from, { kind: 'profileSet', rid: p.rid, status: 'ok', load: ctx.load });
  return { pending: st.pending.delete(id) };
}
