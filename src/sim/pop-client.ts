// One POP3 session as a client drives it (RFC 1939): USER/PASS, LIST, RETR (some, or all in the final
// check), DELE (random, never in the final check), QUIT. Deletions count as confirmed only when QUIT is
// answered OK (§6: deletes happen in the UPDATE state); an unanswered QUIT leaves them undecided.
import { assertNever } from '../pure/assert.js';
import type { ClientReply } from '../pure/io.js';
import type { MsgId, UserId } from '../pure/types.js';
import { USER_PASSWORD } from './config.js';
import type { Listing } from './history.js';
import type { SessionBase, Workload } from './workload.js';

export interface PopSession extends SessionBase {
  readonly kind: 'pop';
  readonly user: UserId;
  /** Part of the heal phase's final check: retrieve everything, delete nothing. */
  readonly final: boolean;
  phase: 'auth' | 'list' | 'retr' | 'dele' | 'quit';
  /** When authentication succeeded: the maildrop this session sees is fixed from then on (RFC 1939 §8). */
  authAt: number;
  listing: Listing | undefined;
  retrieve: MsgId[];
  toDelete: MsgId[];
  marked: MsgId[];
  /** Called once when the session ends, normally or not. */
  readonly onClosed: (s: PopSession) => void;
  readonly onBroken: (s: PopSession) => void;
}

export function startPop(
  w: Workload,
  opened: { id: string; node: number },
  user: UserId,
  final: boolean,
  onEnd: (s: PopSession) => void,
): void {
  const onBroken = (s: PopSession): void => {
    if (s.phase === 'quit') for (const id of s.marked) w.history.maybeDeleted.add(id);
    onEnd(s);
  };
  const s: PopSession = {
    kind: 'pop', id: opened.id, node: opened.node, op: undefined, sentAt: -1, user, final, phase: 'auth', authAt: -1,
    listing: undefined, retrieve: [], toDelete: [], marked: [], onClosed: onEnd, onBroken,
  };
  w.sessions.set(s.id, s);
  w.send(s, { kind: 'popAuth', user, password: USER_PASSWORD });
}

export function onPopReply(w: Workload, s: PopSession, reply: ClientReply): void {
  switch (reply.kind) {
    case 'popAuth':
      if (!reply.ok) {
        w.history.counters.popAuthFailures++;
        if (s.final) recordListing(w, s, [], `auth failed: ${reply.text}`);
        return w.close(s);
      }
      s.phase = 'list';
      s.authAt = w.world.now;
      return w.send(s, { kind: 'popList' });
    case 'popList':
      return onList(w, s, reply);
    case 'popRetr': {
      const id = s.retrieve[0];
      s.retrieve.shift();
      s.listing?.bodies.set(id, reply.ok ? reply.body : undefined);
      return next(w, s);
    }
    case 'popDele':
      if (reply.ok) s.marked.push(s.toDelete[0]);
      else w.history.counters.deletesRefused++;
      s.toDelete.shift();
      return next(w, s);
    case 'popQuit':
      if (s.marked.length > 0) {
        if (!reply.ok) w.history.counters.quitsWithDeletesFailed++;
        for (const id of s.marked) {
          if (reply.ok) {
            w.history.deleted.set(id, w.world.now);
            w.history.deleteSentAt.set(id, s.sentAt);
            w.history.deleteAuthAt.set(id, s.authAt);
          } else w.history.maybeDeleted.add(id);
        }
      }
      return w.close(s);
    case 'smtpRcpt':
    case 'smtpData':
    case 'popRset':
    case 'adminSetUser':
    case 'adminListUsers':
      // A reply to a request this session never made: a node bug (counted; the session ends).
      w.history.counters.strayReplies++;
      return w.close(s);
  }
  assertNever(reply, 'client reply');
}

function onList(w: Workload, s: PopSession, reply: Extract<ClientReply, { kind: 'popList' }>): void {
  if (!reply.ok) {
    if (s.final) recordListing(w, s, [], `list failed: ${reply.text}`);
    s.phase = 'quit';
    return w.send(s, { kind: 'popQuit' });
  }
  const ids = reply.messages.map((m) => m.msgId);
  recordListing(w, s, ids, undefined);
  const max = s.final ? ids.length : w.config.retrievesPerSessionMax;
  s.retrieve = ids.slice(0, max);
  if (!s.final) s.toDelete = ids.filter(() => w.rng.chance(w.config.deleteProbability));
  next(w, s);
}

function recordListing(w: Workload, s: PopSession, msgIds: MsgId[], error: string | undefined): void {
  if (!w.history.recordOps && !s.final) return;
  s.listing = { user: s.user, node: w.world.nodes[s.node].id, authAt: s.authAt >= 0 ? s.authAt : w.world.now, msgIds, bodies: new Map(), final: s.final, error };
  w.history.listings.push(s.listing);
}

/** RETR what is left to retrieve, then DELE what is left to delete, then QUIT. */
function next(w: Workload, s: PopSession): void {
  if (s.retrieve.length > 0) {
    s.phase = 'retr';
    return w.send(s, { kind: 'popRetr', msgId: s.retrieve[0] });
  }
  if (s.toDelete.length > 0) {
    s.phase = 'dele';
    w.history.counters.deletesRequested++;
    return w.send(s, { kind: 'popDele', msgId: s.toDelete[0] });
  }
  if (s.marked.length > 0) w.history.counters.quitsWithDeletes++;
  s.phase = 'quit';
  w.send(s, { kind: 'popQuit' });
}
