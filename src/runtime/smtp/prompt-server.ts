// smtp-server without its fixed greeting delay.
//
// SMTPConnection.init() waits 100 ms (a hard-coded setTimeout, no option) before it greets, to catch clients
// that talk before the greeting. Every connection then costs at least 100 ms before its first command, which
// caps one-message-per-connection delivery at (concurrent connections / 0.1 s) whatever the server can do.
// This server greets as soon as the socket is set up; an early talker is still refused, because smtp-server
// answers any command that arrives before the greeting with "421 You talk too soon" (the `_ready` flag,
// set only when the greeting is sent), delay or not. See docs/runtime-smtp-pop3.md "Greeting delay".
import type net from 'node:net';
import type tls from 'node:tls';
import { SMTPServer } from 'smtp-server';
import { SMTPConnection, type SMTPConnectionOptions } from 'smtp-server/lib/smtp-connection.js';

class PromptConnection extends SMTPConnection {
  /** init() minus the 100 ms timer (and minus maxClients, which these front ends do not use). */
  override init(): void {
    this._setListeners(() => this.connectionReady());
  }
}

export class PromptSmtpServer extends SMTPServer {
  /** SMTPServer.connect() with PromptConnection in place of SMTPConnection. */
  override connect(socket: net.Socket | tls.TLSSocket, socketOptions?: SMTPConnectionOptions | null): void {
    const connection = new PromptConnection(this, socket, socketOptions);
    this.connections.add(connection);
    connection.on('error', (err: Error) => this._onError(err));
    connection.on('connect', (data) => this._onClientConnect(data));
    connection.init();
  }
}
