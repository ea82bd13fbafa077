// A node's HTTP endpoint: the status page (/ and /status.json), Prometheus metrics (/metrics), /healthz, and
// the admin API (/admin/users...) authenticated with the cluster secret (admin-auth.ts). Admin writes go
// through the node reducer like any client request (adminSetUser), so they are replicated as profiles.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientReply } from '../pure/io.js';
import { removedUserVerifier } from '../pure/user-db/user-db.js';
import { checkAdminRequest, adminAuthHeader } from './admin-auth.js';
import type { NodeGateway, PeerAddress, RuntimeLogger } from './contracts.js';
import type { RpcFaults } from './fault-injection.js';
import { makeVerifier } from './password.js';
import { statusHtml, type NodeStatus } from './status.js';

export interface HttpOptions {
  readonly host: string;
  readonly port: number;
  readonly secret: Buffer;
  readonly gateway: NodeGateway;
  readonly status: () => NodeStatus;
  readonly metrics: () => Promise<{ contentType: string; body: string }>;
  readonly logger: RuntimeLogger;
  /** Present only with `--fault-injection`: the admin endpoint /admin/fault/rpc (fault-injection.ts). */
  readonly faults?: RpcFaults;
}

export interface HttpHandle {
  readonly address: PeerAddress;
  close(): Promise<void>;
}

const maxBodyBytes = 64 * 1024;

function send(res: ServerResponse, code: number, body: unknown, type = 'application/json'): void {
  const text = type === 'application/json' ? JSON.stringify(body) + '\n' : String(body);
  res.writeHead(code, { 'content-type': type === 'application/json' ? 'application/json; charset=utf-8' : type, 'cache-control': 'no-store' });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > maxBodyBytes) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(undefined));
  });
}

export async function startHttpServer(o: HttpOptions): Promise<HttpHandle> {
  const server: Server = createServer((req, res) => {
    handle(o, req, res).catch((err: unknown) => {
      o.logger.error({ err: err instanceof Error ? err.message : String(err), url: req.url }, 'http handler failed');
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const a = server.address() as AddressInfo;
  return {
    address: { host: o.host, port: a.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(o: HttpOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://node');
  const path = url.pathname;
  const method = req.method ?? 'GET';
  if (method === 'GET' && path === '/healthz') {
    const st = o.status();
    return send(res, st.ready ? 200 : 503, {
      ok: st.ready,
      id: st.id,
      incarnation: st.incarnation,
      epoch: st.epoch,
      members: st.members,
      rebuildingBuckets: st.rebuildingBuckets,
      authoritative: st.authoritative,
    });
  }
  if (method === 'GET' && path === '/status.json') return send(res, 200, o.status());
  if (method === 'GET' && (path === '/' || path === '/status')) return send(res, 200, statusHtml(o.status()), 'text/html; charset=utf-8');
  if (method === 'GET' && path === '/metrics') {
    const m = await o.metrics();
    return send(res, 200, m.body, m.contentType);
  }
  if (!path.startsWith('/admin/')) return send(res, 404, { error: `no such page: ${path}` });
  const body = await readBody(req);
  if (body === undefined) return send(res, 413, { error: `request body over ${maxBodyBytes} bytes` });
  const authHeader = req.headers[adminAuthHeader];
  const why = checkAdminRequest(o.secret, Array.isArray(authHeader) ? authHeader[0] : authHeader, method, req.url ?? '', body);
  if (why !== undefined) {
    o.logger.warn({ remote: req.socket.remoteAddress, path, why }, 'admin request refused');
    return send(res, 401, { error: `unauthorised: ${why}` });
  }
  if (method === 'GET' && path === '/admin/users') return listUsers(o, res);
  if (path === '/admin/fault/rpc') return faultRpc(o, res, method, body);
  const m = /^\/admin\/users\/([^/]+)$/.exec(path);
  if (m === null) return send(res, 404, { error: `no such admin endpoint: ${method} ${path}` });
  let user: string;
  try {
    user = decodeURIComponent(m[1]);
  } catch {
    return send(res, 400, { error: 'bad user name: not valid percent-encoding' });
  }
  if (method === 'PUT') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(res, 400, { error: 'body must be JSON {"password": "...", "mode": "add" | "passwd"}' });
    }
    const b = parsed as { password?: unknown; mode?: unknown };
    if (typeof b.password !== 'string' || b.password.length === 0 || b.password.length > 1024) return send(res, 400, { error: 'password must be a string of 1 to 1024 characters' });
    if (b.mode !== 'add' && b.mode !== 'passwd') return send(res, 400, { error: 'mode must be "add" or "passwd"' });
    return setUser(o, res, user, b.mode, await makeVerifier(b.password));
  }
  if (method === 'DELETE') return setUser(o, res, user, 'remove', removedUserVerifier);
  return send(res, 405, { error: `${method} not allowed on ${path}` });
}

/** Existence check (an RCPT lookup at the user's manager), then the profile write, in one gateway session. */
async function setUser(o: HttpOptions, res: ServerResponse, user: string, mode: 'add' | 'passwd' | 'remove', verifier: string): Promise<void> {
  const session = o.gateway.openSession('smtp', 'admin');
  try {
    const exists = await o.gateway.request(session, { kind: 'smtpRcpt', user });
    const code = exists.kind === 'smtpRcpt' ? exists.code : 451;
    if (code === 553 || code === 501) return send(res, 400, { error: `bad user name: ${textOf(exists)}` });
    if (code !== 250 && code !== 550) return send(res, 503, { error: `try again: ${textOf(exists)}` });
    if (mode === 'add' && code === 250) return send(res, 409, { error: `user ${user} exists (use passwd to change the password)` });
    if (mode !== 'add' && code === 550) return send(res, 404, { error: `no such user: ${user}` });
    const r = await o.gateway.request(session, { kind: 'adminSetUser', user, verifier });
    if (r.kind === 'adminSetUser' && r.ok) return send(res, mode === 'add' ? 201 : 200, { ok: true, user, action: mode });
    const text = textOf(r);
    return send(res, text.startsWith('bad user name') ? 400 : 503, { error: text });
  } finally {
    o.gateway.endSession(session);
  }
}

/** Every member reports the users it holds a profile of; `complete` is false when one did not answer. */
async function listUsers(o: HttpOptions, res: ServerResponse): Promise<void> {
  const session = o.gateway.openSession('smtp', 'admin');
  try {
    const r = await o.gateway.request(session, { kind: 'adminListUsers' });
    if (r.kind !== 'adminListUsers') return send(res, 503, { error: textOf(r) });
    return send(res, 200, { users: r.users, complete: r.ok, text: r.text });
  } finally {
    o.gateway.endSession(session);
  }
}

/** GET: the RPC fault state; PUT {"isolated": bool}: cut this node's RPC traffic both ways, or heal it. */
function faultRpc(o: HttpOptions, res: ServerResponse, method: string, body: string): void {
  if (o.faults === undefined) return send(res, 404, { error: 'fault injection is off: start the node with --fault-injection (tests and drills only)' });
  if (method === 'GET') return send(res, 200, o.faults.state);
  if (method !== 'PUT') return send(res, 405, { error: `${method} not allowed on /admin/fault/rpc (GET or PUT)` });
  let isolated: unknown;
  try {
    isolated = (JSON.parse(body) as { isolated?: unknown }).isolated;
  } catch {
    isolated = undefined;
  }
  if (typeof isolated !== 'boolean') return send(res, 400, { error: 'body must be JSON {"isolated": true | false}' });
  o.faults.setIsolated(isolated);
  o.logger.warn({ isolated }, isolated ? 'fault injection: RPC traffic cut both ways' : 'fault injection: RPC traffic healed');
  return send(res, 200, o.faults.state);
}

function textOf(r: ClientReply): string {
  return r.text;
}
