// At-most-once execution of the RPCs that start a replicated update (B16). A request is identified by its
// sender and request id (`${from}|${rid}`; rids are unique per sender incarnation, node-state.ts). The network
// may duplicate a request and deliver the copy late — after the original was answered and after a later
// update of the same object (a POP delete) — and re-running it then makes a NEW version, newer than that
// later update, which undoes it (a deleted message comes back). So the coordinator remembers every such
// request it has taken, for as long as a copy of it can still be in the network (`maxPacketLifetimeMs`), and
// drops a second copy. Soft state, bounded: two generations of keys, each at most one lifetime old, swapped
// lazily (O(1) a request, no scan): a key lives at least one lifetime and at most two.
//
// A restart loses the memory while copies sent to the previous incarnation may still arrive. Like TCP's quiet
// time after a crash (RFC 793, "knowing when to keep quiet"), for one lifetime after a restart (not a first boot) the node does not
// re-run a request it cannot tell from such a copy (node-glue.ts: a store of a message it already holds).
import { PMap } from '../pmap.js';

export interface SeenRequests {
  /** Start of the current generation (env time). */
  readonly since: number;
  readonly current: PMap<true>;
  readonly previous: PMap<true>;
  /** Until then (env time), a request this node cannot tell from a pre-crash copy is not re-run. */
  readonly quietUntil: number;
}

/** `restarted`: this disk served an earlier incarnation, whose requests may still be in the network. */
export function bootSeenRequests(now: number, lifetimeMs: number, restarted: boolean): SeenRequests {
  return { since: now, current: PMap.empty(), previous: PMap.empty(), quietUntil: restarted ? now + lifetimeMs : now };
}

/** Generations older than the lifetime are forgotten (every key they hold is at least one lifetime old). */
function aged(r: SeenRequests, now: number, lifetimeMs: number): SeenRequests {
  if (now - r.since < lifetimeMs) return r;
  // Idle for two lifetimes or more: the current generation is past it too.
  const previous = now - r.since < 2 * lifetimeMs ? r.current : PMap.empty<true>();
  return { ...r, since: now, current: PMap.empty(), previous };
}

export function seenRequest(r: SeenRequests, key: string): boolean {
  return r.current.has(key) || r.previous.has(key);
}

export function rememberRequest(r0: SeenRequests, key: string, now: number, lifetimeMs: number): SeenRequests {
  const r = aged(r0, now, lifetimeMs);
  return { ...r, current: r.current.set(key, true) };
}

export function inQuietTime(r: SeenRequests, now: number): boolean {
  return now < r.quietUntil;
}
