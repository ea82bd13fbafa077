// The SMTP front end (RFC 5321) of a node, built on smtp-server: each connection is a gateway session;
// RCPT TO becomes an `smtpRcpt` transaction and DATA an `smtpData` transaction (src/pure/client.ts), whose
// reply codes go back to the client unchanged. Only the cluster's own domains are accepted (no open relay);
// AUTH is not offered (local delivery needs none). Limits and the line-ending policy:
// docs/runtime-smtp-pop3.md.
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { ClientReply } from '../../pure/io.js';
import type { SessionId } from '../../pure/types.js';
import { AddressLimit, normaliseAddress } from '../front-end/address-limit.js';
import { listenOn } from '../front-end/listen.js';
import { frontEndSettings, positiveOption, type FrontEndHandle, type FrontEndOptions } from '../front-end/options.js';
import { checkBody, messageIdOf, type BareLineEndingPolicy } from './body.js';
import { PromptSmtpServer } from './prompt-server.js';

export type { BareLineEndingPolicy } from './body.js';

/**
 * SMTP options. Defaults of the common ones: maxLineLength 1000 (RFC 5321 §4.5.3.1.6), maxUnrecognisedCommands
 * 10, maxConnections 2000, maxConnectionsPerAddress 50, idleTimeoutMs 5 minutes, closeTimeoutMs 10 s; refusals
 * are 421 replies.
 */
export interface SmtpOptions extends FrontEndOptions {
  /** The cluster's mail domains: recipients in any other domain are refused (550 5.7.1, no relaying). */
  readonly domains: readonly string[];
  /** Largest message accepted (octets, after dot-unstuffing); larger ones get 552. Default 10 MiB. */
  readonly maxMessageBytes?: number;
  /** Recipients per transaction; more get 452 4.5.3. Default 100 (RFC 5321 §4.5.3.1.8's minimum). */
  readonly maxRecipients?: number;
  /** What a bare CR or LF in a message body does (body.ts). Default 'normalise'. */
  readonly bareLineEndings?: BareLineEndingPolicy;
  /**
   * Prepend a `Received:` trace header to each message (RFC 5321 §4.4). Default off: the stored body is then
   * exactly what the client sent, which the simulator-versus-runtime comparison relies on.
   */
  readonly receivedHeader?: boolean;
}

export interface SmtpStats {
  readonly connectionsOpen: number;
  readonly connectionsAccepted: number;
  /** Connections refused with 421 by maxConnections or maxConnectionsPerAddress. */
  readonly connectionsRefused: number;
  /** DATA transactions answered 250. */
  readonly messagesAccepted: number;
  /** DATA transactions answered with an error code (including 552 too big and bare line endings refused). */
  readonly messagesRefused: number;
  readonly messagesTooBig: number;
  /** Messages that contained a bare CR or LF (normalised or refused, per the policy). */
  readonly bareLineEndingMessages: number;
  /** RCPT TO refused: other domain (relay), too many recipients, or the node's refusal. */
  readonly recipientsRefused: number;
  /** Connection errors (resets in the middle of a transaction and the like), logged and survived. */
  readonly connectionErrors: number;
}

export type SmtpServerHandle = FrontEndHandle<SmtpStats>;

/** An error whose responseCode smtp-server sends as the reply code. */
function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

/** Per-connection state the front end keeps beside smtp-server's session (keyed by the session id). */
interface ConnectionState {
  readonly gatewaySession: SessionId;
  readonly address: string;
  /** A transaction (RCPT or DATA) is waiting for the node: close() lets it finish. */
  busy: boolean;
}

const defaults = {
  hostname: 'porcupine',
  maxLineLength: 1000,
  maxUnrecognisedCommands: 10,
  maxConnections: 2000,
  maxConnectionsPerAddress: 50,
  idleTimeoutMs: 5 * 60_000,
  closeTimeoutMs: 10_000,
};
const maxMessageBytesDefault = 10 * 1024 * 1024;
const maxRecipientsDefault = 100;

/** Splits `user@domain`; an address without a domain is `postmaster` (RFC 5321 §4.5.1) or nothing. */
function splitAddress(address: string): { local: string; domain: string | undefined } {
  const at = address.lastIndexOf('@');
  return at < 0 ? { local: address, domain: undefined } : { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

/** The RFC 5321 §4.4 trace header for a message received in `session` (folded, CRLF-terminated). */
export function receivedHeader(session: SMTPServerSession, hostname: string, at: Date): string {
  const helo = (session.hostNameAppearsAs || 'unknown').replace(/[^\x21-\x7e]/g, '').slice(0, 255); // a domain is at most 255
  const address = normaliseAddress(session.remoteAddress);
  const date = at.toUTCString().replace(/GMT$/, '+0000');
  const via = session.secure ? 'ESMTPS' : 'ESMTP';
  return `Received: from ${helo} ([${address}])\r\n\tby ${hostname} (Porcupine-TS) with ${via} id ${session.id};\r\n\t${date}\r\n`;
}

export async function startSmtpServer(options: SmtpOptions): Promise<SmtpServerHandle> {
  const settings = frontEndSettings('smtp', options, defaults);
  const { hostname, maxConnections, maxConnectionsPerAddress: perAddress, logger } = settings;
  const maxMessageBytes = positiveOption('maxMessageBytes', options.maxMessageBytes, maxMessageBytesDefault);
  const maxRecipients = positiveOption('maxRecipients', options.maxRecipients, maxRecipientsDefault);
  const policy = options.bareLineEndings ?? 'normalise';
  const domains = new Set(options.domains.map((d) => d.toLowerCase()));
  if (domains.size === 0) throw new RangeError('smtp: domains must name at least one mail domain of the cluster');
  const { gateway } = options;
  const limit = new AddressLimit(perAddress);
  const connections = new Map<string, ConnectionState>();
  const counters = {
    connectionsAccepted: 0, connectionsRefused: 0, messagesAccepted: 0, messagesRefused: 0, messagesTooBig: 0,
    bareLineEndingMessages: 0, recipientsRefused: 0, connectionErrors: 0,
  };
  let closing = false;

  /** Runs one transaction; a failed gateway call is a temporary failure, never an exception. */
  async function transact(state: ConnectionState, run: () => Promise<ClientReply>): Promise<ClientReply | Error> {
    state.busy = true;
    try {
      return await run();
    } catch (err) {
      logger.error({ err, session: state.gatewaySession }, 'smtp: the node failed a transaction');
      return err instanceof Error ? err : new Error(String(err));
    } finally {
      state.busy = false;
    }
  }

  /** During close(), a connection whose transaction just ended is closed once its reply is written. */
  function closeIfClosing(sessionId: string): void {
    if (!closing) return;
    setImmediate(() => {
      for (const c of server.connections) if (c.id === sessionId) c.send(421, `${hostname} service shutting down`);
    });
  }

  const server = new PromptSmtpServer({
    name: hostname,
    banner: 'Porcupine-TS',
    size: maxMessageBytes,
    maxCommandLength: settings.maxLineLength - 2,
    socketTimeout: settings.idleTimeoutMs,
    closeTimeout: settings.closeTimeoutMs,
    // No reverse DNS: it would delay every greeting and tell the node nothing it uses.
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: options.tls === undefined ? ['AUTH', 'STARTTLS'] : ['AUTH'],
    hideSTARTTLS: options.tls === undefined,
    ...(options.tls === undefined ? {} : { key: options.tls.key, cert: options.tls.cert }),
    // smtp-server's own log is one line per command; this front end logs refusals and errors itself.
    logger: false,

    onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): void {
      if (closing) return callback(smtpError(421, `${hostname} service shutting down`));
      const address = normaliseAddress(session.remoteAddress);
      if (connections.size >= maxConnections) {
        counters.connectionsRefused++;
        logger.warn({ remoteAddress: address, limit: maxConnections }, 'smtp: connection limit reached');
        return callback(smtpError(421, '4.7.0 too many connections, try again later'));
      }
      if (!limit.acquire(address)) {
        counters.connectionsRefused++;
        logger.warn({ remoteAddress: address, limit: perAddress }, 'smtp: too many connections from one address');
        return callback(smtpError(421, `4.7.0 too many connections from ${address}, try again later`));
      }
      let gatewaySession: SessionId;
      try {
        gatewaySession = gateway.openSession('smtp', address);
      } catch (err) {
        // A node that cannot take sessions (booting, stopping) refuses the connection; the server stays up.
        limit.release(address);
        logger.error({ err, remoteAddress: address }, 'smtp: the node refused a session');
        return callback(smtpError(421, '4.3.0 service not available, try again later'));
      }
      counters.connectionsAccepted++;
      connections.set(session.id, { gatewaySession, address, busy: false });
      callback();
    },

    onClose(session: SMTPServerSession): void {
      const state = connections.get(session.id);
      if (state === undefined) return; // refused at connect: it never had a slot or a gateway session
      connections.delete(session.id);
      limit.release(state.address);
      gateway.endSession(state.gatewaySession);
    },

    onMailFrom(_address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void): void {
      callback(); // any sender: the cluster only delivers locally, and RCPT refuses every other domain
    },

    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
      const state = connections.get(session.id);
      if (state === undefined) return callback(smtpError(421, '4.3.0 session not open'));
      const refuse = (code: number, text: string): void => {
        counters.recipientsRefused++;
        callback(smtpError(code, text));
      };
      if (session.envelope.rcptTo.length >= maxRecipients) return refuse(452, `4.5.3 too many recipients (at most ${maxRecipients})`);
      const { local, domain } = splitAddress(address.address);
      if (domain === undefined ? local.toLowerCase() !== 'postmaster' : !domains.has(domain)) {
        return refuse(550, `5.7.1 relaying denied: ${domain ?? 'an address without a domain'} is not a domain of this cluster`);
      }
      void transact(state, () => gateway.request(state.gatewaySession, { kind: 'smtpRcpt', user: local })).then((reply) => {
        closeIfClosing(session.id);
        if (reply instanceof Error) return refuse(451, '4.3.0 temporary failure, try again later');
        if (reply.kind !== 'smtpRcpt') return refuse(451, `4.3.0 unexpected ${reply.kind} reply`);
        if (reply.code === 250) return callback();
        refuse(reply.code, reply.text);
      });
    },

    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void): void {
      const state = connections.get(session.id);
      const chunks: Buffer[] = [];
      let kept = 0;
      const refuse = (code: number, text: string): void => {
        counters.messagesRefused++;
        callback(smtpError(code, text));
      };
      if (state !== undefined) state.busy = true;
      stream.on('data', (chunk: Buffer) => {
        // Past the limit the rest is drained, not kept: an oversized message costs no memory.
        if (kept + chunk.length <= maxMessageBytes) chunks.push(chunk);
        kept += chunk.length;
      });
      // The client went away mid-message: nothing to deliver and nobody to answer.
      stream.on('error', () => {
        if (state !== undefined) state.busy = false;
      });
      stream.on('end', () => {
        if (state === undefined) return refuse(421, '4.3.0 session not open');
        if (stream.sizeExceeded || kept > maxMessageBytes) {
          state.busy = false;
          counters.messagesTooBig++;
          closeIfClosing(session.id);
          return refuse(552, `5.3.4 message exceeds the maximum size of ${maxMessageBytes} octets`);
        }
        const checked = checkBody(Buffer.concat(chunks, kept), policy);
        if (!checked.ok || checked.bareLineEndings) counters.bareLineEndingMessages++;
        if (!checked.ok) {
          state.busy = false;
          closeIfClosing(session.id);
          return refuse(checked.code, checked.text);
        }
        // alice@ and ALICE@ are one mailbox: deliver once (user names are case-insensitive).
        const byUser = new Map(session.envelope.rcptTo.map((r) => splitAddress(r.address).local).map((local) => [local.toLowerCase(), local]));
        const recipients = [...byUser.values()];
        const sender = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const clientMsgId = messageIdOf(checked.body);
        const body = options.receivedHeader === true ? receivedHeader(session, hostname, new Date()) + checked.body : checked.body;
        const request = { kind: 'smtpData', sender, recipients, body, ...(clientMsgId === undefined ? {} : { clientMsgId }) } as const;
        void transact(state, () => gateway.request(state.gatewaySession, request)).then((reply) => {
          closeIfClosing(session.id);
          if (reply instanceof Error) return refuse(451, '4.3.0 temporary failure, try again later');
          if (reply.kind !== 'smtpData') return refuse(451, `4.3.0 unexpected ${reply.kind} reply`);
          if (reply.code !== 250) return refuse(reply.code, reply.text);
          counters.messagesAccepted++;
          callback(null, reply.text);
        });
      });
    },
  }, settings.maxUnrecognisedCommands);

  // Without this listener an error on one connection (a reset in the middle of a transaction) would be an
  // unhandled 'error' event and end the process.
  server.on('error', (err: Error & { code?: string; remoteAddress?: string }) => {
    counters.connectionErrors++;
    logger.warn({ err: err.message, code: err.code, remoteAddress: err.remoteAddress }, 'smtp: connection error');
  });

  const port = await listenOn(server.server, 'smtp', options.host, options.port);
  logger.info({ host: options.host, port, domains: [...domains] }, 'smtp: listening');

  let closed: Promise<void> | undefined;
  return {
    address: { host: options.host, port },
    stats: () => ({ connectionsOpen: connections.size, ...counters }),
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        server.close(() => resolve());
        // Idle connections go now; busy ones after their reply (closeIfClosing), or at closeTimeoutMs.
        for (const c of [...server.connections]) {
          if (connections.get(c.id)?.busy !== true) c.send(421, `${hostname} service shutting down`);
        }
      });
      return closed;
    },
  };
}
