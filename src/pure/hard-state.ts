// A node's hard state: what survives a crash (DESIGN.md §3). The node emits `persist { write }` effects;
// a driver makes each HardWrite durable and, at boot, hands back the HardState obtained by applying the
// durable writes in order to `emptyHardState()` (the runtime keeps HardWrites in a log; HardState itself
// holds persistent maps and is not meant to be serialised directly — serialise the writes).
import { deleteFromFragments, storeInFragments, type Fragments, type StoredMsg } from './mailbox/fragment.js';
import { PMap } from './pmap.js';
import type { MsgId, UserId } from './types.js';
import { emptyUserDb, provisionRange, setProfile, type Profile, type ProvisionedRange, type UserDb } from './user-db/user-db.js';
import { assertNever } from './assert.js';
import { applyReplicationWrite, emptyReplicationHard, type ReplicationHard, type ReplicationWrite } from './replication/hard-state.js';
import { mirrorReplicationWrite } from './replication/views.js';

export type { StoredMsg, Fragments, Profile, ProvisionedRange, UserDb };

export interface HardState {
  /**
   * How many times this node has booted (its incarnation). Bumped and persisted at every boot before the
   * node mints message ids, so ids `${node}-${incarnation}-${counter}` are never reused after a restart.
   */
  readonly incarnation: number;
  /**
   * This data directory's instance: drawn from Env.entropy at its first boot and persisted with that boot's
   * incarnation write, so a node whose disk was lost (incarnations restart at 1) still mints message ids no
   * earlier disk of it minted (`${node}-${instance}.${incarnation}-${counter}`; issue 8, stable UIDLs).
   * Absent in a state recovered from a disk written before it existed; the next boot draws one.
   */
  readonly instance?: string;
  /** Mailbox fragments stored here: user → (msgId → message). */
  readonly fragments: Fragments;
  /** User profiles (this issue: the profiles of users whose bucket this node manages; see docs/decisions.md). */
  readonly userDb: UserDb;
  /** Replicas and update log of the replication manager (docs/replication.md); empty when replication is off. */
  readonly replication: ReplicationHard;
}

export type HardWrite =
  | { readonly kind: 'incarnation'; readonly incarnation: number; readonly instance?: string }
  | { readonly kind: 'storeMessage'; readonly user: UserId; readonly msg: StoredMsg }
  | { readonly kind: 'deleteMessages'; readonly user: UserId; readonly msgIds: readonly MsgId[] }
  | { readonly kind: 'setProfile'; readonly user: UserId; readonly profile: Profile }
  /** Bulk provisioning (an imported directory): users `${prefix}0` … `${prefix}${count-1}` exist. */
  | { readonly kind: 'provisionUsers'; readonly range: ProvisionedRange }
  /** A write of the replication manager; it also maintains `fragments` and `userDb` as views (replication/views.ts). */
  | { readonly kind: 'replication'; readonly write: ReplicationWrite };

export function emptyHardState(): HardState {
  return { incarnation: 0, fragments: PMap.empty(), userDb: emptyUserDb(), replication: emptyReplicationHard() };
}

/** An explicit literal, not a spread: see patchNode in node-state.ts for why (hot path). */
function hardState(incarnation: number, fragments: Fragments, userDb: UserDb, replication: ReplicationHard, instance: string | undefined): HardState {
  return instance === undefined ? { incarnation, fragments, userDb, replication } : { incarnation, instance, fragments, userDb, replication };
}

/** Deterministic and idempotent for every kind, so a replayed or duplicated write is harmless. */
export function applyHardWrite(h: HardState, w: HardWrite): HardState {
  switch (w.kind) {
    case 'incarnation':
    {
      // The first instance written sticks: a later (or replayed) write never renames the data directory.
      const instance = h.instance ?? w.instance;
      return w.incarnation > h.incarnation || instance !== h.instance ? hardState(Math.max(w.incarnation, h.incarnation), h.fragments, h.userDb, h.replication, instance) : h;
    }
    case 'storeMessage':
      return hardState(h.incarnation, storeInFragments(h.fragments, w.user, w.msg), h.userDb, h.replication, h.instance);
    case 'deleteMessages':
      return hardState(h.incarnation, deleteFromFragments(h.fragments, w.user, w.msgIds), h.userDb, h.replication, h.instance);
    case 'setProfile':
      return hardState(h.incarnation, h.fragments, setProfile(h.userDb, w.user, w.profile), h.replication, h.instance);
    case 'provisionUsers':
      if (h.userDb.ranges.some((r) => r.prefix === w.range.prefix && r.count === w.range.count && r.verifier === w.range.verifier)) return h;
      return hardState(h.incarnation, h.fragments, provisionRange(h.userDb, w.range), h.replication, h.instance);
    case 'replication': {
      const views = mirrorReplicationWrite(h, h.replication, w.write);
      return hardState(h.incarnation, views.fragments, views.userDb, applyReplicationWrite(h.replication, w.write), h.instance);
    }
  }
  return assertNever(w, 'hard write');
}

/** Seeds a hard state with bulk-provisioned users (what the simulator and `porcupine user import` use). */
export function provisionUsers(h: HardState, range: ProvisionedRange): HardState {
  return applyHardWrite(h, { kind: 'provisionUsers', range });
}
