// Minimal SMTP and POP3 clients for the e2e load and fault tests (hundreds of deliveries where spawning curl
// per message would dominate the test's time). Plain RFC 5321 / RFC 1939 over a socket, bounded by timeouts.
import { connect, type Socket } from 'node:net';

class LineConn {
  private buf = '';
  private waiters: ((line: string | null) => void)[] = [];
  private lines: (string | null)[] = [];

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buf += d;
      let i: number;
      while ((i = this.buf.indexOf('\r\n')) >= 0) {
        this.push(this.buf.slice(0, i));
        this.buf = this.buf.slice(i + 2);
      }
    });
    const end = () => this.push(null);
    socket.on('close', end);
    socket.on('error', end);
  }

  static open(host: string, port: number, timeoutMs: number, localAddress?: string): Promise<LineConn> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port, localAddress });
      s.setTimeout(timeoutMs, () => s.destroy(new Error('timeout')));
      s.once('connect', () => resolve(new LineConn(s)));
      s.once('error', reject);
    });
  }

  private push(l: string | null): void {
    const w = this.waiters.shift();
    if (w !== undefined) w(l);
    else this.lines.push(l);
  }

  line(): Promise<string | null> {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift() ?? null);
    return new Promise((r) => this.waiters.push(r));
  }

  /** One SMTP reply (possibly multi-line): its code, 0 if the connection ended. */
  async smtpReply(): Promise<number> {
    for (;;) {
      const l = await this.line();
      if (l === null) return 0;
      if (/^\d{3} /.test(l)) return Number(l.slice(0, 3));
      if (!/^\d{3}-/.test(l)) return 0;
    }
  }

  write(s: string): void {
    this.socket.write(s, 'latin1');
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Sends one message on its own connection; the DATA reply code (0: connection failed or closed). `body` gets a
 * "Subject: load" header unless `raw` (then it is sent as is, dot-stuffed: it carries its own headers).
 */
export async function smtpSend(host: string, port: number, to: string, body: string, timeoutMs = 20_000, raw = false): Promise<number> {
  let c: LineConn;
  try {
    c = await LineConn.open(host, port, timeoutMs);
  } catch {
    return 0;
  }
  try {
    if ((await c.smtpReply()) !== 220) return 0;
    c.write('EHLO tester\r\n');
    if ((await c.smtpReply()) !== 250) return 0;
    c.write('MAIL FROM:<tester@example.com>\r\n');
    if ((await c.smtpReply()) !== 250) return 0;
    c.write(`RCPT TO:<${to}>\r\n`);
    const rcpt = await c.smtpReply();
    if (rcpt !== 250) return rcpt;
    c.write('DATA\r\n');
    if ((await c.smtpReply()) !== 354) return 0;
    const text = raw ? body.replace(/\r\n\./g, '\r\n..').replace(/^\./, '..') : `Subject: load\r\n\r\n${body}`;
    c.write(`${text}${text.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    const code = await c.smtpReply();
    c.write('QUIT\r\n');
    return code;
  } finally {
    c.close();
  }
}

export interface PopResult {
  readonly ok: boolean;
  readonly error?: string;
  /** Each message's body (after the header block), in listing order. */
  readonly bodies: readonly string[];
  /** Whole messages as retrieved (headers included), in listing order. */
  readonly messages?: readonly string[];
  /** UIDL of each message, in listing order. */
  readonly uidls?: readonly string[];
  readonly quit?: string;
}

/** Logs in, retrieves every message, optionally deletes them all, and QUITs. */
export async function popFetchAll(host: string, port: number, user: string, password: string, dele = false, timeoutMs = 60_000): Promise<PopResult> {
  let c: LineConn;
  try {
    c = await LineConn.open(host, port, timeoutMs);
  } catch (e) {
    return { ok: false, error: String(e), bodies: [] };
  }
  const status = async (): Promise<string> => (await c.line()) ?? '-ERR closed';
  try {
    if (!(await status()).startsWith('+OK')) return { ok: false, error: 'greeting', bodies: [] };
    c.write(`USER ${user}\r\n`);
    if (!(await status()).startsWith('+OK')) return { ok: false, error: 'USER', bodies: [] };
    c.write(`PASS ${password}\r\n`);
    const pass = await status();
    if (!pass.startsWith('+OK')) return { ok: false, error: `PASS: ${pass}`, bodies: [] };
    c.write('STAT\r\n');
    const stat = await status();
    const n = Number(/^\+OK (\d+)/.exec(stat)?.[1] ?? NaN);
    if (!Number.isInteger(n)) return { ok: false, error: `STAT: ${stat}`, bodies: [] };
    c.write('UIDL\r\n');
    if (!(await status()).startsWith('+OK')) return { ok: false, error: 'UIDL', bodies: [] };
    const uidls: string[] = [];
    for (;;) {
      const l = await c.line();
      if (l === null) return { ok: false, error: 'closed in UIDL', bodies: [] };
      if (l === '.') break;
      uidls.push(l.split(' ')[1] ?? '');
    }
    const bodies: string[] = [];
    const messages: string[] = [];
    for (let i = 1; i <= n; i++) {
      c.write(`RETR ${i}\r\n`);
      const r = await status();
      if (!r.startsWith('+OK')) return { ok: false, error: `RETR ${i}: ${r}`, bodies };
      const lines: string[] = [];
      for (;;) {
        const l = await c.line();
        if (l === null) return { ok: false, error: 'closed in RETR', bodies };
        if (l === '.') break;
        lines.push(l.startsWith('.') ? l.slice(1) : l);
      }
      const text = lines.join('\r\n');
      messages.push(text);
      const at = text.indexOf('\r\n\r\n');
      bodies.push(at >= 0 ? text.slice(at + 4) : text);
      if (dele) {
        c.write(`DELE ${i}\r\n`);
        const d = await status();
        if (!d.startsWith('+OK')) return { ok: false, error: `DELE ${i}: ${d}`, bodies };
      }
    }
    c.write('QUIT\r\n');
    const quit = await status();
    return { ok: quit.startsWith('+OK'), quit, bodies, messages, uidls, error: quit.startsWith('+OK') ? undefined : quit };
  } finally {
    c.close();
  }
}

/** Runs `fn` over `items` with at most `width` running at once. */
export async function pool<T, R>(items: readonly T[], width: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}
