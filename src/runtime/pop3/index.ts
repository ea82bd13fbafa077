// The POP3 front end of a node (our own, RFC 1939 + RFC 2449 + RFC 2595): a TCP server whose connections
// (connection.ts) are gateway sessions. Limits and defaults: docs/runtime-smtp-pop3.md.
import net from 'node:net';
import type { SessionId } from '../../pure/types.js';
import type { NodeGateway, RuntimeLogger } from '../contracts.js';
import { AddressLimit, normaliseAddress } from '../front-end/address-limit.js';
import { listenOn } from '../front-end/listen.js';
import { positiveOption, secureContextOf, silentLogger, type FrontEndHandle, type TlsMaterial } from '../front-end/options.js';
import { Pop3Connection, type Pop3Counters } from './connection.js';
import { LoginThrottle, type LoginThrottleOptions } from './throttle.js';

export type { LoginThrottleOptions } from './throttle.js';

export interface Pop3Options {
  /** Address to bind (a 127.0.0.x address in tests). */
  readonly host: string;
  /** 0 lets the OS choose a free port; `address.port` tells which. */
  readonly port: number;
  readonly gateway: NodeGateway;
  /** Name in the greeting (default `porcupine`). */
  readonly hostname?: string;
  /**
   * Prefix of every UIDL (format.ts `uidlOf`): the same on every node of a cluster, different for a cluster
   * started afresh, so clients that remember UIDLs do not mistake new messages for old. Default none.
   */
  readonly uidlNamespace?: string;
  /** Longest command line in octets including CRLF (RFC 2449 §4: 255). Longer: -ERR and close. */
  readonly maxLineLength?: number;
  /** Unrecognised commands (or lines with NUL) before the connection is closed. Default 10. */
  readonly maxUnrecognisedCommands?: number;
  /** Open connections in all; one more gets -ERR [SYS/TEMP] and is closed. Default 2000. */
  readonly maxConnections?: number;
  /** Open connections per client address; one more gets -ERR [SYS/TEMP] and is closed. Default 50. */
  readonly maxConnectionsPerAddress?: number;
  /** Autologout timer (RFC 1939 §3: at least 10 minutes). Default 10 minutes. */
  readonly idleTimeoutMs?: number;
  /** How long close() lets in-flight commands finish before it drops their connections. Default 10 s. */
  readonly closeTimeoutMs?: number;
  /** Key and certificate: STLS is offered only when given. */
  readonly tls?: TlsMaterial;
  readonly loginThrottle?: LoginThrottleOptions;
  readonly logger?: RuntimeLogger;
}

export interface Pop3Stats extends Readonly<Pop3Counters> {
  readonly connectionsOpen: number;
  readonly connectionsAccepted: number;
  /** Connections refused by maxConnections or maxConnectionsPerAddress. */
  readonly connectionsRefused: number;
}

export type Pop3ServerHandle = FrontEndHandle<Pop3Stats>;

const defaults = {
  hostname: 'porcupine',
  maxLineLength: 255,
  maxUnrecognisedCommands: 10,
  maxConnections: 2000,
  maxConnectionsPerAddress: 50,
  idleTimeoutMs: 10 * 60_000,
  closeTimeoutMs: 10_000,
} as const;

export async function startPop3Server(options: Pop3Options): Promise<Pop3ServerHandle> {
  const maxLineBytes = positiveOption('maxLineLength', options.maxLineLength, defaults.maxLineLength);
  const maxUnrecognisedCommands = positiveOption('maxUnrecognisedCommands', options.maxUnrecognisedCommands, defaults.maxUnrecognisedCommands);
  const maxConnections = positiveOption('maxConnections', options.maxConnections, defaults.maxConnections);
  const perAddress = positiveOption('maxConnectionsPerAddress', options.maxConnectionsPerAddress, defaults.maxConnectionsPerAddress);
  const idleTimeoutMs = positiveOption('idleTimeoutMs', options.idleTimeoutMs, defaults.idleTimeoutMs);
  const closeTimeoutMs = positiveOption('closeTimeoutMs', options.closeTimeoutMs, defaults.closeTimeoutMs);
  if (maxLineBytes < 8) throw new RangeError('maxLineLength must leave room for a command and its CRLF');
  const logger = options.logger ?? silentLogger;
  const hostname = options.hostname ?? defaults.hostname;
  const uidlNamespace = options.uidlNamespace ?? '';
  if (!/^[\x21-\x7e]{0,32}$/.test(uidlNamespace)) throw new RangeError('uidlNamespace must be at most 32 printable ASCII characters without spaces');
  const secureContext = secureContextOf('pop3', options.tls);
  const throttle = new LoginThrottle(options.loginThrottle);
  const limit = new AddressLimit(perAddress);
  const counters: Pop3Counters = { loginsSucceeded: 0, loginsFailed: 0, loginsThrottled: 0, retrievals: 0, deletesMarked: 0, linesRefused: 0, idleTimeouts: 0 };
  let connectionsAccepted = 0;
  let connectionsRefused = 0;
  const open = new Set<Pop3Connection>();
  let closing = false;
  const config = {
    gateway: options.gateway, hostname, uidlNamespace, maxLineBytes, maxUnrecognisedCommands, idleTimeoutMs, secureContext, throttle, logger, counters,
  };

  const server = net.createServer((socket) => {
    socket.on('error', () => undefined); // a reset before the connection is set up is nobody's business
    const address = normaliseAddress(socket.remoteAddress);
    if (closing) {
      socket.end('-ERR [SYS/TEMP] server shutting down\r\n');
      return;
    }
    if (open.size >= maxConnections) {
      connectionsRefused++;
      logger.warn({ remoteAddress: address, limit: maxConnections }, 'pop3: connection limit reached');
      socket.end('-ERR [SYS/TEMP] too many connections, try again later\r\n');
      return;
    }
    if (!limit.acquire(address)) {
      connectionsRefused++;
      logger.warn({ remoteAddress: address, limit: perAddress }, 'pop3: too many connections from one address');
      socket.end('-ERR [SYS/TEMP] too many connections from your address, try again later\r\n');
      return;
    }
    let session: SessionId;
    try {
      session = options.gateway.openSession('pop3', address);
    } catch (err) {
      // A node that cannot take sessions (booting, stopping) refuses the connection; the server stays up.
      limit.release(address);
      logger.error({ err, remoteAddress: address }, 'pop3: the node refused a session');
      socket.end('-ERR [SYS/TEMP] service not available, try again later\r\n');
      return;
    }
    connectionsAccepted++;
    const connection = new Pop3Connection(socket, session, address, config, () => {
      open.delete(connection);
      limit.release(address);
      options.gateway.endSession(session);
    });
    open.add(connection);
  });
  server.on('error', (err: Error) => logger.error({ err: err.message }, 'pop3: server error'));

  const port = await listenOn(server, 'pop3', options.host, options.port);
  logger.info({ host: options.host, port }, 'pop3: listening');

  let closed: Promise<void> | undefined;
  return {
    address: { host: options.host, port },
    stats: () => ({ connectionsOpen: open.size, connectionsAccepted, connectionsRefused, ...counters }),
    close(): Promise<void> {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        const deadline = setTimeout(() => {
          for (const c of open) c.destroy();
        }, closeTimeoutMs);
        deadline.unref();
        server.close(() => {
          clearTimeout(deadline);
          resolve();
        });
        for (const c of open) c.shutdown();
      });
      return closed;
    },
  };
}
