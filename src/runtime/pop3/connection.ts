// One POP3 connection (RFC 1939 with RFC 2449's CAPA, USER, UIDL, TOP, RESP-CODES, PIPELINING and RFC 2595's
// STLS): the AUTHORIZATION and TRANSACTION states on the wire, each transaction handed to the node through
// the gateway. Commands run strictly one at a time in arrival order (so pipelining is safe); the session's
// message numbers refer to the listing fixed at login (RFC 1939 §8), and DELE only hides a message until QUIT
// asks the node to delete (the UPDATE state). Any other end of the connection deletes nothing.
import type net from 'node:net';
import tls from 'node:tls';
import type { ClientReply, ClientRequest, PopListing } from '../../pure/client.js';
import type { SessionId } from '../../pure/types.js';
import type { NodeGateway, RuntimeLogger } from '../contracts.js';
import { multiLine, topOf, uidlOf } from './format.js';
import { LineReader } from './line-reader.js';
import type { LoginThrottle } from './throttle.js';

export interface ConnectionConfig {
  readonly gateway: NodeGateway;
  readonly hostname: string;
  readonly uidlNamespace: string;
  readonly maxLineBytes: number;
  readonly maxUnrecognisedCommands: number;
  readonly idleTimeoutMs: number;
  readonly secureContext: tls.SecureContext | undefined;
  readonly throttle: LoginThrottle;
  readonly logger: RuntimeLogger;
  /** Counters shared by every connection of the server. */
  readonly counters: Pop3Counters;
}

export interface Pop3Counters {
  loginsSucceeded: number;
  loginsFailed: number;
  /** Logins refused by the throttle without asking the node. */
  loginsThrottled: number;
  retrievals: number;
  deletesMarked: number;
  /** Lines refused: too long, NUL byte, unrecognised command. */
  linesRefused: number;
  idleTimeouts: number;
}

type State =
  | { readonly kind: 'authorization'; readonly user: string | undefined }
  | { readonly kind: 'transaction'; readonly listing: readonly PopListing[]; readonly deleted: Set<number> }
  | { readonly kind: 'over' };

/** Pipelined lines waiting beyond this pause reading from the socket until the backlog drains. */
const queuePauseAt = 64;
const queueResumeAt = 8;
const messageNumber = /^[1-9][0-9]{0,8}$/;
const lineCount = /^[0-9]{1,9}$/;

export class Pop3Connection {
  private stream: net.Socket | tls.TLSSocket;
  private readonly reader: LineReader;
  private readonly queue: string[] = [];
  private state: State = { kind: 'authorization', user: undefined };
  private running = false;
  private paused = false;
  private unrecognised = 0;
  private secure = false;
  private ended = false;
  private shuttingDown = false;
  private closedOnce = false;
  private lingerTimer: NodeJS.Timeout | undefined;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(
    private readonly socket: net.Socket,
    private readonly session: SessionId,
    private readonly address: string,
    private readonly config: ConnectionConfig,
    /** Called once when the connection is over (socket closed); the server ends the gateway session. */
    private readonly onClosed: () => void,
  ) {
    this.stream = socket;
    this.reader = new LineReader(config.maxLineBytes);
    socket.setNoDelay(true);
    socket.on('data', this.onData);
    socket.on('error', (err: Error) => config.logger.warn({ err: err.message, remoteAddress: address }, 'pop3: connection error'));
    socket.once('close', () => this.closed());
    socket.setTimeout(config.idleTimeoutMs, () => this.idle());
    this.write(`+OK ${config.hostname} Porcupine-TS POP3 server ready\r\n`);
  }

  /** A command is waiting for the node (close() lets it finish). */
  get busy(): boolean {
    return this.running;
  }

  /** Server shutdown: an idle connection is told and closed now, a busy one after its current command. */
  shutdown(): void {
    this.shuttingDown = true;
    if (!this.running) this.finish('-ERR [SYS/TEMP] server shutting down\r\n');
  }

  destroy(): void {
    this.stream.destroy();
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.ended) return;
    for (const event of this.reader.push(chunk)) {
      if (event.kind === 'tooLong') {
        this.config.counters.linesRefused++;
        // Nothing after an over-long line can be trusted to be a command boundary: refuse and close.
        this.queue.length = 0;
        return this.finish(`-ERR line too long (at most ${this.config.maxLineBytes} octets with CRLF)\r\n`);
      }
      this.queue.push(event.line);
    }
    if (this.queue.length >= queuePauseAt && !this.paused) {
      this.paused = true;
      this.stream.pause();
    }
    void this.run();
  }

  /** Runs queued commands one at a time; a reply is flushed before the next command starts. */
  private async run(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (!this.ended && this.queue.length > 0) {
        const line = this.queue.shift() as string; // length checked above
        await this.command(line);
        if (this.stream.writableNeedDrain) await new Promise<void>((resolve) => this.stream.once('drain', resolve).once('close', resolve));
        if (this.paused && this.queue.length <= queueResumeAt) {
          this.paused = false;
          this.stream.resume();
        }
      }
    } catch (err) {
      this.config.logger.error({ err, session: this.session }, 'pop3: command failed');
      this.finish('-ERR [SYS/TEMP] internal error\r\n');
    } finally {
      this.running = false;
    }
    if (this.shuttingDown && !this.ended) this.finish('-ERR [SYS/TEMP] server shutting down\r\n');
  }

  private write(text: string): void {
    if (!this.ended && !this.stream.destroyed) this.stream.write(Buffer.from(text, 'latin1'));
  }

  /** A one-line reply carrying the node's text: control characters in it could not split the response. */
  private status(ok: boolean, text: string): void {
    this.write(`${ok ? '+OK' : '-ERR'} ${oneLine(text)}\r\n`);
  }

  /** Sends a last line and closes; nothing queued after it runs. */
  private finish(last: string): void {
    if (this.ended) return;
    this.write(last);
    this.ended = true;
    this.state = { kind: 'over' };
    this.queue.length = 0;
    this.stream.end();
    // A client that never reads or never closes its side cannot hold the socket for long.
    this.lingerTimer = setTimeout(() => this.destroy(), 5_000);
    this.lingerTimer.unref();
  }

  private closed(): void {
    if (this.closedOnce) return;
    this.closedOnce = true;
    clearTimeout(this.lingerTimer);
    this.ended = true;
    this.state = { kind: 'over' };
    this.queue.length = 0;
    this.onClosed();
  }

  private idle(): void {
    // The client waits for the node: that is not idleness (the node's calls time out on their own).
    if (this.running) return;
    this.config.counters.idleTimeouts++;
    // RFC 1939 §3: an autologout timer ends the session without entering the UPDATE state.
    this.finish('-ERR [SYS/TEMP] autologout: idle for too long\r\n');
  }

  private async request(request: ClientRequest): Promise<ClientReply | undefined> {
    try {
      return await this.config.gateway.request(this.session, request);
    } catch (err) {
      this.config.logger.error({ err, session: this.session, request: request.kind }, 'pop3: the node failed a transaction');
      return undefined;
    }
  }

  private async command(line: string): Promise<void> {
    if (line.includes('\0')) {
      this.config.counters.linesRefused++;
      return this.unrecognisedCommand('-ERR command contains a NUL byte\r\n');
    }
    const space = line.indexOf(' ');
    const keyword = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const argument = space < 0 ? '' : line.slice(space + 1);
    const args = argument.split(' ').filter((a) => a.length > 0);
    const state = this.state;
    if (keyword === 'CAPA') return this.capa();
    if (keyword === 'QUIT') return this.quit();
    if (state.kind === 'authorization') {
      switch (keyword) {
        case 'USER':
          if (args.length !== 1) return this.write('-ERR usage: USER name\r\n');
          this.state = { kind: 'authorization', user: args[0] };
          return this.write('+OK send PASS\r\n');
        case 'PASS':
          // RFC 1939 §7: the password is the rest of the line, spaces included.
          if (state.user === undefined) return this.write('-ERR send USER first\r\n');
          return this.pass(state.user, argument);
        case 'STLS':
          return this.stls();
        case 'APOP':
        case 'AUTH':
          return this.write(`-ERR ${keyword} is not supported; use USER and PASS\r\n`);
        case 'STAT': case 'LIST': case 'UIDL': case 'RETR': case 'TOP': case 'DELE': case 'NOOP': case 'RSET':
          return this.write('-ERR not authenticated\r\n');
      }
    } else if (state.kind === 'transaction') {
      switch (keyword) {
        case 'STAT':
          return this.stat(state);
        case 'LIST':
          return this.list(state, args, (i, m) => `${i} ${m.sizeBytes}`);
        case 'UIDL':
          return this.list(state, args, (i, m) => `${i} ${uidlOf(m.msgId, this.config.uidlNamespace)}`);
        case 'RETR':
          return this.retr(state, args, undefined);
        case 'TOP':
          if (args.length !== 2 || !lineCount.test(args[1])) return this.write('-ERR usage: TOP msg lines\r\n');
          return this.retr(state, args.slice(0, 1), Number(args[1]));
        case 'DELE':
          return this.dele(state, args);
        case 'NOOP':
          return this.write('+OK\r\n');
        case 'RSET':
          return this.rset(state);
        case 'USER': case 'PASS': case 'APOP': case 'AUTH': case 'STLS':
          return this.write('-ERR already authenticated\r\n');
      }
    }
    return this.unrecognisedCommand('-ERR unknown command\r\n');
  }

  private unrecognisedCommand(reply: string): void {
    this.unrecognised++;
    if (this.unrecognised >= this.config.maxUnrecognisedCommands) {
      this.config.counters.linesRefused++;
      return this.finish('-ERR too many unrecognised commands, closing\r\n');
    }
    this.write(reply);
  }

  private capa(): void {
    const caps = ['TOP', 'USER', 'UIDL', 'RESP-CODES', 'PIPELINING'];
    if (this.config.secureContext !== undefined && !this.secure && this.state.kind === 'authorization') caps.push('STLS');
    caps.push('IMPLEMENTATION Porcupine-TS');
    this.write(`+OK capability list follows\r\n${caps.join('\r\n')}\r\n.\r\n`);
  }

  private async pass(user: string, password: string): Promise<void> {
    const { throttle, counters } = this.config;
    const refusal = throttle.refusal(user, this.address);
    if (refusal !== undefined) {
      counters.loginsThrottled++;
      const who = refusal === 'user' ? 'this user' : 'your address';
      return this.finish(`-ERR [SYS/TEMP] too many failed logins for ${who}; try again later\r\n`);
    }
    const auth = await this.request({ kind: 'popAuth', user, password });
    if (this.ended) return;
    if (auth === undefined || auth.kind !== 'popAuth') return this.finish('-ERR [SYS/TEMP] temporary failure, try again later\r\n');
    if (!auth.ok) {
      this.state = { kind: 'authorization', user: undefined };
      if (auth.text.startsWith('[SYS/TEMP]')) return this.status(false, auth.text);
      counters.loginsFailed++;
      throttle.failed(user, this.address);
      // The delay makes each guess cost the guesser time; commands of this connection wait behind it.
      await new Promise((resolve) => setTimeout(resolve, throttle.failureDelayMs));
      return this.status(false, `[AUTH] ${auth.text}`);
    }
    throttle.succeeded(user);
    const list = await this.request({ kind: 'popList' });
    if (this.ended) return;
    if (list === undefined || list.kind !== 'popList' || !list.ok) {
      const text = list !== undefined && 'text' in list ? list.text.replace(/^\[SYS\/TEMP\] */, '') : '';
      return this.finish(`-ERR [SYS/TEMP] cannot list the maildrop${text === '' ? '' : `: ${oneLine(text)}`}\r\n`);
    }
    counters.loginsSucceeded++;
    this.state = { kind: 'transaction', listing: list.messages, deleted: new Set() };
    this.status(true, auth.text);
  }

  private stls(): void {
    const context = this.config.secureContext;
    if (context === undefined) return this.write('-ERR STLS is not available\r\n');
    if (this.secure) return this.write('-ERR already using TLS\r\n');
    this.write('+OK begin TLS negotiation\r\n');
    // Whatever the client sent after STLS arrived in plaintext: drop it (RFC 2595 §4, command injection).
    this.socket.off('data', this.onData);
    this.reader.reset();
    this.queue.length = 0;
    // The TLS socket reads the handle itself: a plain socket paused by a long pipeline does not stall it.
    this.paused = false;
    const secure = new tls.TLSSocket(this.socket, { isServer: true, secureContext: context });
    this.stream = secure;
    this.secure = true;
    // Any earlier USER is forgotten: the TLS session starts a clean AUTHORIZATION state.
    this.state = { kind: 'authorization', user: undefined };
    secure.on('data', this.onData);
    // The TLS socket now does the reading, so it carries the idle timer and reports the close.
    this.socket.setTimeout(0);
    secure.setTimeout(this.config.idleTimeoutMs, () => this.idle());
    secure.once('close', () => this.closed());
    secure.on('error', (err: Error) => {
      this.config.logger.warn({ err: err.message, remoteAddress: this.address }, 'pop3: TLS error');
      this.destroy();
    });
  }

  private stat(state: Extract<State, { kind: 'transaction' }>): void {
    let count = 0;
    let octets = 0;
    state.listing.forEach((m, i) => {
      if (state.deleted.has(i + 1)) return;
      count++;
      octets += m.sizeBytes;
    });
    this.write(`+OK ${count} ${octets}\r\n`);
  }

  /** The message numbered by args[0] (RFC 1939 §5), or an error reply sent and undefined. */
  private pick(state: Extract<State, { kind: 'transaction' }>, args: readonly string[]): { n: number; message: PopListing } | undefined {
    if (args.length !== 1 || !messageNumber.test(args[0])) {
      this.write('-ERR a message number is required\r\n');
      return undefined;
    }
    const n = Number(args[0]);
    if (n > state.listing.length) {
      this.write(`-ERR no such message, only ${state.listing.length} in maildrop\r\n`);
      return undefined;
    }
    if (state.deleted.has(n)) {
      this.write(`-ERR message ${n} already deleted\r\n`);
      return undefined;
    }
    return { n, message: state.listing[n - 1] };
  }

  private list(state: Extract<State, { kind: 'transaction' }>, args: readonly string[], show: (n: number, m: PopListing) => string): void {
    if (args.length > 0) {
      const picked = this.pick(state, args);
      if (picked !== undefined) this.write(`+OK ${show(picked.n, picked.message)}\r\n`);
      return;
    }
    const lines: string[] = [];
    state.listing.forEach((m, i) => {
      if (!state.deleted.has(i + 1)) lines.push(`${show(i + 1, m)}\r\n`);
    });
    this.write(`+OK ${lines.length} messages\r\n${lines.join('')}.\r\n`);
  }

  private async retr(state: Extract<State, { kind: 'transaction' }>, args: readonly string[], topLines: number | undefined): Promise<void> {
    const picked = this.pick(state, args);
    if (picked === undefined) return;
    const reply = await this.request({ kind: 'popRetr', msgId: picked.message.msgId });
    if (this.ended) return;
    if (reply === undefined || reply.kind !== 'popRetr') return this.write('-ERR [SYS/TEMP] temporary failure, try again later\r\n');
    if (!reply.ok || reply.body === undefined) return this.status(false, withCode(reply.text, 'no such message'));
    this.config.counters.retrievals++;
    const body = topLines === undefined ? reply.body : topOf(reply.body, topLines);
    this.write(`+OK ${topLines === undefined ? `${reply.body.length} octets` : 'top of message follows'}\r\n${multiLine(body)}`);
  }

  private async dele(state: Extract<State, { kind: 'transaction' }>, args: readonly string[]): Promise<void> {
    const picked = this.pick(state, args);
    if (picked === undefined) return;
    const reply = await this.request({ kind: 'popDele', msgId: picked.message.msgId });
    if (this.ended) return;
    if (reply === undefined || reply.kind !== 'popDele') return this.write('-ERR [SYS/TEMP] temporary failure, try again later\r\n');
    if (!reply.ok) return this.status(false, withCode(reply.text, 'no such message'));
    state.deleted.add(picked.n);
    this.config.counters.deletesMarked++;
    this.write(`+OK message ${picked.n} deleted\r\n`);
  }

  private async rset(state: Extract<State, { kind: 'transaction' }>): Promise<void> {
    const reply = await this.request({ kind: 'popRset' });
    if (this.ended) return;
    if (reply === undefined || reply.kind !== 'popRset') return this.write('-ERR [SYS/TEMP] temporary failure, try again later\r\n');
    if (!reply.ok) return this.status(false, withCode(reply.text, undefined));
    state.deleted.clear();
    const octets = state.listing.reduce((sum, m) => sum + m.sizeBytes, 0);
    this.write(`+OK maildrop has ${state.listing.length} messages (${octets} octets)\r\n`);
  }

  private async quit(): Promise<void> {
    if (this.state.kind !== 'transaction') return this.finish(`+OK ${this.config.hostname} POP3 server signing off\r\n`);
    // RFC 1939 §6: QUIT in the TRANSACTION state enters UPDATE: the node deletes the marked messages.
    const reply = await this.request({ kind: 'popQuit' });
    if (this.ended) return;
    if (reply === undefined || reply.kind !== 'popQuit') return this.finish('-ERR [SYS/TEMP] some deleted messages not removed\r\n');
    this.finish(`${reply.ok ? '+OK' : '-ERR'} ${oneLine(reply.ok ? reply.text : withCode(reply.text, undefined))}\r\n`);
  }
}

/** `text` with control characters (CR, LF, NUL, ...) replaced by spaces. */
function oneLine(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, ' ');
}

/**
 * A refusal text from the node with an RFC 2449 response code: kept when it has one, none for `permanent`
 * (a message the node no longer has), else [SYS/TEMP] — the node's other refusals are temporary.
 */
function withCode(text: string, permanent: string | undefined): string {
  if (text.startsWith('[')) return text;
  if (permanent !== undefined && text === permanent) return text;
  return `[SYS/TEMP] ${text}`;
}
