// Mailbox fragments: the part of one user's mail stored on one node (PORCUPINE.md "State": hard state,
// any node). A fragment is a persistent map msgId → message, so a store into a large mailbox costs one
// path copy, not a copy of the mailbox. A user with no mail at this node has no fragment at all.
import { PMap } from '../pmap.js';
import type { MsgId, UserId } from '../types.js';

export interface StoredMsg {
  readonly msgId: MsgId;
  readonly body: string;
  readonly sizeBytes: number;
}

export type Fragment = PMap<StoredMsg>;
export type Fragments = PMap<Fragment>;

/** Idempotent: storing a msgId that is already there changes nothing (duplicates are harmless). */
export function storeInFragments(fragments: Fragments, user: UserId, msg: StoredMsg): Fragments {
  const frag = fragments.get(user);
  return frag !== undefined && frag.has(msg.msgId) ? fragments : addToFragment(fragments, user, frag, msg);
}

/**
 * storeInFragments for a caller that has just looked up `frag = fragments.get(user)` and knows it does not
 * hold the message (the mailbox's store path: saves a second lookup in a map of every user with mail here).
 */
export function addToFragment(fragments: Fragments, user: UserId, frag: Fragment | undefined, msg: StoredMsg): Fragments {
  return fragments.set(user, (frag ?? PMap.empty<StoredMsg>()).set(msg.msgId, msg));
}

/** Idempotent; a fragment whose last message goes is removed entirely (so it costs nothing). */
export function deleteFromFragments(fragments: Fragments, user: UserId, msgIds: readonly MsgId[]): Fragments {
  const frag = fragments.get(user);
  if (frag === undefined) return fragments;
  let next = frag;
  for (const id of msgIds) next = next.delete(id);
  if (next === frag) return fragments;
  return next.size === 0 ? fragments.delete(user) : fragments.set(user, next);
}
