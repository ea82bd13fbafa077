// The replicated objects (PORCUPINE.md "Replication": total update, whole objects): one mail message
// (stored, or deleted as a tombstone) and one user profile. The object id names the object across the
// cluster; every version of it carries the timestamp of the update that wrote it.
import { assertNever } from '../assert.js';
import type { MsgId, NodeId, UserId } from '../types.js';
import type { Timestamp } from './hlc.js';

export type ObjectId = string;

export type ObjectValue =
  | { readonly kind: 'message'; readonly user: UserId; readonly msgId: MsgId; readonly body: string; readonly sizeBytes: number }
  /** A deleted message. Kept (not erased) so that an older store arriving late cannot resurrect it. */
  | { readonly kind: 'tombstone'; readonly user: UserId; readonly msgId: MsgId }
  | { readonly kind: 'profile'; readonly user: UserId; readonly verifier: string };

/** One replica's copy of an object: the value written by the update with timestamp `ts`, and its replicas. */
export interface Versioned {
  readonly id: ObjectId;
  readonly ts: Timestamp;
  readonly value: ObjectValue;
  /** The nodes meant to hold the object (the update's targets); used by deletes and by reconciliation. */
  readonly replicas: readonly NodeId[];
}

/** Message and tombstone of one message share an id, so the tombstone supersedes the store by timestamp. */
export function objectIdOf(value: ObjectValue): ObjectId {
  switch (value.kind) {
    case 'message':
    case 'tombstone':
      return messageObjectId(value.user, value.msgId);
    case 'profile':
      return profileObjectId(value.user);
  }
  return assertNever(value, 'object value');
}

export function messageObjectId(user: UserId, msgId: MsgId): ObjectId {
  return `m/${user}/${msgId}`;
}

export function profileObjectId(user: UserId): ObjectId {
  return `p/${user}`;
}

export function isTombstone(v: Versioned): boolean {
  return v.value.kind === 'tombstone';
}

export function describeValue(value: ObjectValue): string {
  switch (value.kind) {
    case 'message':
      return `message(${value.sizeBytes}B)`;
    case 'tombstone':
      return 'tombstone';
    case 'profile':
      return `profile(${value.verifier})`;
  }
  return assertNever(value, 'object value');
}
