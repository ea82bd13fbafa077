// The mailbox fragments and the user DB as views of the replicated objects: a `{ kind: 'replication' }` hard
// write updates the replication slice and, in the same deterministic step, the views the rest of the node
// reads (listing, fetching, soft-state reconstruction, authentication). Quarantined replicas are hidden.
// WHY views rather than a second copy written separately: one durable write per replica keeps the paper's
// write count (3 per message with R = 2) and the views can never disagree with the replicas after a crash.
import { assertNever } from '../assert.js';
import { deleteFromFragments, storeInFragments, type Fragments } from '../mailbox/fragment.js';
import { setProfile, type UserDb } from '../user-db/user-db.js';
import type { ReplicationHard, ReplicationWrite } from './hard-state.js';
import type { Versioned } from './objects.js';

export interface ReplicatedViews {
  readonly fragments: Fragments;
  readonly userDb: UserDb;
}

function show(v: ReplicatedViews, object: Versioned): ReplicatedViews {
  const val = object.value;
  switch (val.kind) {
    case 'message':
      return { ...v, fragments: storeInFragments(v.fragments, val.user, { msgId: val.msgId, body: val.body, sizeBytes: val.sizeBytes }) };
    case 'tombstone':
      return { ...v, fragments: deleteFromFragments(v.fragments, val.user, [val.msgId]) };
    case 'profile':
      return { ...v, userDb: setProfile(v.userDb, val.user, { verifier: val.verifier }) };
  }
  return assertNever(val, 'object value');
}

function hide(v: ReplicatedViews, object: Versioned): ReplicatedViews {
  const val = object.value;
  // A hidden profile stays readable: the user DB has no "absent" for an explicit profile, and a stale
  // password is the paper's accepted anomaly; messages are what a stale replica must not show.
  return val.kind === 'message' ? { ...v, fragments: deleteFromFragments(v.fragments, val.user, [val.msgId]) } : v;
}

/** `before` is the replication slice before `w` is applied. */
export function mirrorReplicationWrite(v: ReplicatedViews, before: ReplicationHard, w: ReplicationWrite): ReplicatedViews {
  switch (w.kind) {
    case 'replPut':
      return show(v, w.object);
    case 'replObjectDrop': {
      const cur = before.objects.get(w.objectId);
      return cur === undefined ? v : hide(v, cur);
    }
    case 'replQuarantine': {
      let next = v;
      for (const id of w.objectIds) {
        const cur = before.objects.get(id);
        if (cur !== undefined) next = hide(next, cur);
      }
      return next;
    }
    case 'replTrust': {
      const cur = before.objects.get(w.objectId);
      return cur === undefined ? v : show(v, cur);
    }
    case 'replLogDrop':
    case 'replAlive':
      return v;
  }
  return assertNever(w, 'replication write');
}
