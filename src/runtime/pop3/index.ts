// The POP3 front end of a node (our own, RFC 1939 + RFC 2449 + RFC 2595): a TCP server whose connections
// (connection.ts) are gateway sessions. Limits and defaults: docs/runtime-smtp-pop3.md.
import net from 'node:net';
import type { SessionId } from '../../pure/types.js';
import { AddressLimit, normaliseAddress } from '../front-end/address-limit.js';
import { listenOn } from '../front-end/listen.js';
import { frontEndSettings, type FrontEndHandle, type FrontEndOptions } from '../front-end/options.js';
import { Pop3Connection, type Pop3Counters } from './connection.js';
import { LoginThrottle, type LoginThrottleOptions } from './throttle.js';

export type { LoginThrottleOptions } from './throttle.js';

/**
 * POP3 options. Defaults of the common ones: maxLineLength 255 (RFC 2449 §4), maxUnrecognisedCommands 10 (lines
 * with NUL count), maxConnections 2000, maxConnectionsPerAddress 50, idleTimeoutMs 10 minutes (RFC 1939 §3's
 * autologout minimum), closeTimeoutMs 10 s; refusals are `-ERR` lines ([SYS/TEMP] for the connection limits).
 */
export interface Pop3Options extends FrontEndOptions {
  /**
   * Prefix of every UIDL (format.ts `uidlOf`): the same on every node of a cluster, different for a cluster
   * started afresh, so clients that remember UIDLs do not mistake new messages for old. Default none.
   */
  readonly uidlNamespace?: string;
  readonly loginThrottle?: LoginThrottleOptions;
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
};

export async function startPop3Server(options: Pop3Options): Promise<Pop3ServerHandle> {
  const settings = frontEndSettings('pop3', options, defaults);
  const { hostname, maxConnections, maxConnectionsPerAddress: perAddress, logger, secureContext } = settings;
  const uidlNamespace = options.uidlNamespace ?? '';
  if (!/^[\x21-\x7e]{0,32}$/.test(uidlNamespace)) throw new RangeError('pop3: uidlNamespace must be at most 32 printable ASCII characters without spaces');
  const throttle = new LoginThrottle(options.loginThrottle);
  const limit = new AddressLimit(perAddress);
  const counters: Pop3Counters = { loginsSucceeded: 0, loginsFailed: 0, loginsThrottled: 0, retrievals: 0, deletesMarked: 0, linesRefused: 0, idleTimeouts: 0 };
  let connectionsAccepted = 0;
  let connectionsRefused = 0;
  const open = new Set<Pop3Connection>();
  let closing = false;
  const config = {
    gateway: options.gateway, hostname, uidlNamespace, maxLineBytes: settings.maxLineLength, maxUnrecognisedCommands: settings.maxUnrecognisedCommands,
    idleTimeoutMs: settings.idleTimeoutMs, secureContext, throttle, logger, counters,
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
        }, settings.closeTimeoutMs);
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
