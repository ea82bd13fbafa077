// One SMTP delivery as a client drives it (RFC 5321 §3.3): RCPT for the recipient, then DATA. A 4xx reply
// or a broken connection means "try again later" (§4.5.4.1), with the same Message-ID so the cluster can
// suppress a duplicate; 5xx is final. Acknowledged = the recipient's result code is 250.
import type { ClientReply } from '../pure/io.js';
import type { UserId } from '../pure/types.js';
import type { SessionBase, Workload } from './workload.js';

export interface OfferedMessage {
  /** Sequence number of the message in the workload. */
  readonly k: number;
  readonly user: UserId;
  readonly clientMsgId: string;
  readonly body: string;
  attempts: number;
}

export interface SmtpSession extends SessionBase {
  readonly kind: 'smtp';
  readonly msg: OfferedMessage;
  phase: 'rcpt' | 'data';
  /** When DATA was sent: the message may exist (and be deleted by its recipient) from then on. */
  dataSentAt: number;
}

export function startSmtp(w: Workload, msg: OfferedMessage): void {
  const opened = w.openSession();
  msg.attempts++;
  w.history.counters.smtpAttempts++;
  if (opened === undefined) return w.retryLater(msg);
  const s: SmtpSession = { kind: 'smtp', id: opened.id, node: opened.node, op: undefined, sentAt: -1, msg, phase: 'rcpt', dataSentAt: -1 };
  w.sessions.set(s.id, s);
  w.send(s, { kind: 'smtpRcpt', user: msg.user });
}

export function onSmtpReply(w: Workload, s: SmtpSession, reply: ClientReply): void {
  if (s.phase === 'rcpt' && reply.kind === 'smtpRcpt') {
    if (reply.code === 250) {
      s.phase = 'data';
      s.dataSentAt = w.world.now;
      if (w.history.recordOps) w.history.lastDataSentAt.set(s.msg.body, s.dataSentAt);
      const m = s.msg;
      w.send(s, { kind: 'smtpData', sender: `sender${m.k % 97}@example.org`, recipients: [m.user], body: m.body, clientMsgId: m.clientMsgId });
      return;
    }
    return finish(w, s, reply.code);
  }
  if (s.phase === 'data' && reply.kind === 'smtpData') {
    const r = reply.results.find((x) => x.user === s.msg.user) ?? reply.results[0];
    const code = r?.code ?? reply.code;
    if (code === 250 && r?.msgId !== undefined) acknowledge(w, s, r.msgId);
    return finish(w, s, code);
  }
  // A reply of the wrong kind is a protocol violation by the node: record it, end the session.
  w.history.counters.strayReplies++;
  finish(w, s, 0);
}

function acknowledge(w: Workload, s: SmtpSession, msgId: string): void {
  const h = w.history;
  h.counters.acknowledged++;
  if (!h.recordOps) return;
  const m = s.msg;
  const holders: string[] = [];
  w.world.nodes.forEach((n, i) => {
    if (!w.left.has(i) && n.disk.durable.fragments.get(m.user)?.has(msgId)) holders.push(n.id);
  });
  h.acked.set(msgId, {
    user: m.user, msgId, body: m.body, clientMsgId: m.clientMsgId, dataSentAt: s.dataSentAt, ackedAt: w.world.now,
    node: w.world.nodes[s.node].id, durableCopiesAtAck: holders.length, holdersAtAck: holders,
  });
}

function finish(w: Workload, s: SmtpSession, code: number): void {
  w.close(s);
  if (code === 250) return;
  if (code >= 500) {
    w.history.counters.failed++;
    return;
  }
  w.retryLater(s.msg);
}
