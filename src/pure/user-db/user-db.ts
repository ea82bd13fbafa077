// The user profile database (hard state; replicated in a later issue). A profile holds an opaque password
// verifier (scrypt in the runtime, a stand-in in the simulator). Users come from two sources:
//  - bulk provisioning: a range `{ prefix, count, verifier }` meaning users prefix0 … prefix{count-1} exist
//    with that verifier, like a directory imported from elsewhere. It lets the simulator seed millions of
//    users without allocating millions of objects;
//  - explicit profiles (administration), which override the range.
import { PMap } from '../pmap.js';
import type { UserId } from '../types.js';

export interface Profile {
  readonly verifier: string;
}

export interface ProvisionedRange {
  /** Lower case, ending in a non-digit so that "user1" + "0" cannot be read as two different splits. */
  readonly prefix: string;
  readonly count: number;
  readonly verifier: string;
}

export interface UserDb {
  readonly ranges: readonly ProvisionedRange[];
  readonly profiles: PMap<Profile>;
}

export function emptyUserDb(): UserDb {
  return { ranges: [], profiles: PMap.empty<Profile>() };
}

function inRange(range: ProvisionedRange, user: UserId): boolean {
  if (!user.startsWith(range.prefix)) return false;
  // Canonical decimal only: "user007" is not user 7 (one name, one user). No regex or slice: this runs
  // for every lookup of a provisioned user.
  const start = range.prefix.length;
  const len = user.length - start;
  if (len === 0 || len > 15 || (len > 1 && user.charCodeAt(start) === 48)) return false;
  let n = 0;
  for (let i = start; i < user.length; i++) {
    const d = user.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    n = n * 10 + d;
  }
  return n < range.count;
}

/**
 * The verifier of a removed user (`porcupine user remove`): a profile write like any other, so removal is
 * replicated, reconstructed and ordered with later re-creation exactly as a password change is. No real
 * verifier is empty (scrypt verifiers start with "scrypt$", the simulator's with "v:").
 */
export const removedUserVerifier = '';

/** Whether a profile stands for an existing user (a removed user's profile does not). */
export function isLiveProfile(p: Profile | undefined): p is Profile {
  return p !== undefined && p.verifier !== removedUserVerifier;
}

/** The profile of a (canonical) user, or undefined if the user does not exist (or was removed). */
export function findProfile(db: UserDb, user: UserId): Profile | undefined {
  const explicit = db.profiles.get(user);
  if (explicit !== undefined) return isLiveProfile(explicit) ? explicit : undefined;
  for (const r of db.ranges) if (inRange(r, user)) return { verifier: r.verifier };
  return undefined;
}

export function setProfile(db: UserDb, user: UserId, profile: Profile): UserDb {
  return { ranges: db.ranges, profiles: db.profiles.set(user, profile) };
}

export function provisionRange(db: UserDb, range: ProvisionedRange): UserDb {
  return { ranges: [...db.ranges, range], profiles: db.profiles };
}

/** One line: the provisioned ranges and the explicit profiles' users (verifiers are secrets: not shown). */
export function describeUserDb(db: UserDb): string {
  const ranges = db.ranges.map((r) => `${r.prefix}0..${r.prefix}${r.count - 1}`);
  return `ranges[${ranges.join(',')}] profiles[${db.profiles.keys().sort().join(',')}]`;
}
