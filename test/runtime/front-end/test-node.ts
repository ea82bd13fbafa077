// A TEST DOUBLE of a node for the SMTP and POP3 front-end tests: an in-memory NodeGateway that answers the
// client transactions of src/pure/client.ts the way the node reducer does (550 unknown user, 553 bad name,
// fixed POP listing, deletes only at QUIT), so the front ends can be tested on real sockets with real
// clients on their own. The real node (driver + reducer) is tested end to end in test/runtime/e2e*.
import type { ClientReply, ClientRequest, PopListing } from '../../../src/pure/client.js';
import type { SessionId } from '../../../src/pure/types.js';
import { checkUserName } from '../../../src/pure/user-name.js';
import type { NodeGateway } from '../../../src/runtime/contracts.js';

export interface StoredMessage {
  readonly msgId: string;
  readonly body: string;
  readonly sender: string;
}

interface SessionState {
  readonly protocol: 'smtp' | 'pop3';
  readonly remoteAddress: string;
  user?: string;
  listing?: readonly PopListing[];
  marked: Set<string>;
  inFlight: boolean;
}

export class TestNode implements NodeGateway {
  readonly passwords = new Map<string, string>();
  readonly mailboxes = new Map<string, StoredMessage[]>();
  readonly sessions = new Map<SessionId, SessionState>();
  /** Every request handed over, in order (for assertions on what reached the node). */
  readonly requests: { session: SessionId; request: ClientRequest }[] = [];
  readonly ended: SessionId[] = [];
  /** Requests answered with this reply instead (a node in trouble), when set for that kind. */
  readonly override = new Map<ClientRequest['kind'], ClientReply>();
  /** Each request waits this long before it is answered (a slow node). */
  delayMs = 0;
  /** While set, openSession throws (a node that is booting or stopping). */
  refuseSessions = false;
  /** Sessions that sent a request while another of theirs was in flight (must stay 0). */
  overlapping = 0;
  private sessionCounter = 0;
  private msgCounter = 0;

  addUser(name: string, password: string): void {
    this.passwords.set(name, password);
    this.mailboxes.set(name, []);
  }

  /** Puts a message straight into a mailbox (as if delivered earlier). */
  store(user: string, body: string, msgId = `n1-1-${++this.msgCounter}`): string {
    this.mailboxes.get(user)?.push({ msgId, body, sender: 'seed@example.org' });
    return msgId;
  }

  delivered(): StoredMessage[] {
    return [...this.mailboxes.values()].flat();
  }

  openSession(protocol: 'smtp' | 'pop3', remoteAddress: string): SessionId {
    if (this.refuseSessions) throw new Error('the node is not taking sessions');
    const id = `t-${++this.sessionCounter}`;
    this.sessions.set(id, { protocol, remoteAddress, marked: new Set(), inFlight: false });
    return id;
  }

  endSession(session: SessionId): void {
    this.ended.push(session);
    this.sessions.delete(session);
  }

  async request(session: SessionId, request: ClientRequest): Promise<ClientReply> {
    this.requests.push({ session, request });
    const s = this.sessions.get(session);
    if (s === undefined) throw new Error(`request on unknown or ended session ${session}`);
    if (s.inFlight) this.overlapping++;
    s.inFlight = true;
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const forced = this.override.get(request.kind);
      return forced ?? this.answer(s, request);
    } finally {
      s.inFlight = false;
    }
  }

  private answer(s: SessionState, request: ClientRequest): ClientReply {
    switch (request.kind) {
      case 'smtpRcpt': {
        const name = checkUserName(request.user);
        if (!name.ok) return { kind: 'smtpRcpt', code: 553, text: `5.1.3 bad recipient name: ${name.reason}` };
        if (!this.passwords.has(name.user)) return { kind: 'smtpRcpt', code: 550, text: '5.1.1 no such user' };
        return { kind: 'smtpRcpt', code: 250, text: '2.1.5 recipient ok' };
      }
      case 'smtpData': {
        const results = request.recipients.map((raw) => {
          const name = checkUserName(raw);
          if (!name.ok) return { user: raw, code: 553 };
          const box = this.mailboxes.get(name.user);
          if (box === undefined) return { user: raw, code: 550 };
          const msgId = `n1-1-${++this.msgCounter}`;
          box.push({ msgId, body: request.body, sender: request.sender });
          return { user: raw, code: 250, msgId };
        });
        const failed = results.find((r) => r.code !== 250);
        return failed === undefined
          ? { kind: 'smtpData', code: 250, text: '2.0.0 stored', results }
          : { kind: 'smtpData', code: failed.code, text: `${failed.code === 550 ? '5.1.1' : '5.1.3'} not delivered`, results };
      }
      case 'popAuth': {
        const name = checkUserName(request.user);
        if (!name.ok) return { kind: 'popAuth', ok: false, text: `bad user name: ${name.reason}` };
        if (this.passwords.get(name.user) !== request.password) return { kind: 'popAuth', ok: false, text: 'authentication failed' };
        s.user = name.user;
        const box = this.mailboxes.get(name.user) ?? [];
        s.listing = box.map((m) => ({ msgId: m.msgId, sizeBytes: m.body.length }));
        return { kind: 'popAuth', ok: true, text: `maildrop has ${box.length} messages` };
      }
      case 'popList':
        if (s.listing === undefined) return { kind: 'popList', ok: false, messages: [], text: 'not authenticated' };
        return { kind: 'popList', ok: true, messages: s.listing, text: `${s.listing.length} messages` };
      case 'popRetr': {
        const m = s.user === undefined ? undefined : this.mailboxes.get(s.user)?.find((x) => x.msgId === request.msgId);
        return m === undefined ? { kind: 'popRetr', ok: false, text: 'no such message' } : { kind: 'popRetr', ok: true, body: m.body, text: `${m.body.length} octets` };
      }
      case 'popDele':
        s.marked.add(request.msgId);
        return { kind: 'popDele', ok: true, text: `message ${request.msgId} deleted` };
      case 'popRset':
        s.marked.clear();
        return { kind: 'popRset', ok: true, text: 'reset' };
      case 'popQuit': {
        if (s.user === undefined) return { kind: 'popQuit', ok: true, deleted: 0, text: 'bye' };
        const box = this.mailboxes.get(s.user) ?? [];
        const kept = box.filter((m) => !s.marked.has(m.msgId));
        this.mailboxes.set(s.user, kept);
        return { kind: 'popQuit', ok: true, deleted: box.length - kept.length, text: `bye (${box.length - kept.length} messages deleted)` };
      }
      case 'sessionEnd':
      case 'adminSetUser':
      case 'adminListUsers':
        throw new Error(`the front ends never send ${request.kind}`);
    }
  }
}
