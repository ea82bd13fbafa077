// smtp-server without its fixed greeting delay.
//
// SMTPConnection.init() waits 100 ms (a hard-coded setTimeout, no option) before it greets, to catch clients
// that talk before the greeting. Every connection then costs at least 100 ms before its first command, which
// caps one-message-per-connection delivery at (concurrent connections / 0.1 s) whatever the server can do.
// This server greets as soon as the socket is set up, giving up the early-talker heuristic the delay is for
// (a spam-bot check; the cluster relays nothing). See docs/runtime-smtp-pop3.md "Greeting delay".
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

class PromptConnection extends SMTPConnection {
  /** init() minus the 100 ms timer (and minus maxClients, which these front ends do not use). */
  override init(): void {
    this._setListeners(() => this.connectionReady());
  }
}

/**
 * smtp-server closes a connection at its 10th unrecognised command: a literal in _onCommand, which does
 * `this._unrecognizedCommands++` and then closes when the value is >= 10, and resets it to 0 after each
 * message. This accessor keeps the real count and shows smtp-server 10 exactly when `max` is reached.
 */
function limitUnrecognised(connection: SMTPConnection, max: number): void {
  let count = 0;
  Object.defineProperty(connection, '_unrecognizedCommands', {
    get: () => (count >= max ? 10 : Math.min(count, 9)),
    set: (value: number) => {
      count = value === 0 ? 0 : count + 1;
    },
  });
}

export class PromptSmtpServer extends SMTPServer {
  constructor(
    options: SMTPServerOptions,
    private readonly maxUnrecognisedCommands: number,
  ) {
    super(options);
  }

  /** SMTPServer.connect() with PromptConnection in place of SMTPConnection. */
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new PromptConnection(this, socket, socketOptions);
    limitUnrecognised(connection, this.maxUnrecognisedCommands);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}
