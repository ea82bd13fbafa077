// `porcupine node`: one cluster node in this process — storage under --data, the driver running the node
// reducer, the authenticated transport to its peers, the SMTP and POP3 front ends and the HTTP endpoint.
// SIGTERM/SIGINT stop it gracefully: stop accepting, let in-flight transactions and writes finish, fsync,
// close, exit 0.
import { mkdirSync, readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { NodeStorage, Transport } from './contracts.js';
import { NodeDriver } from './driver.js';
import { startHttpServer } from './http-server.js';
import { combineHooks, NodeMetrics } from './metrics.js';
import { nodeOptionHelp, parseNodeArgs, readSecret, reducerConfig, type NodeProcessConfig } from './node-config.js';
import { nodeStatus } from './status.js';
import { openStorage } from './storage/index.js';
import { startTransport } from './transport/index.js';
import { startSmtpServer } from './smtp/index.js';
import { startPop3Server } from './pop3/index.js';
import { TraceFile } from './trace-file.js';
import { RpcFaults } from './fault-injection.js';

export const NODE_USAGE = `porcupine node — run one node of a Porcupine mail cluster

Usage: porcupine node --config FILE
       porcupine node --id ID --rpc HOST:PORT --smtp HOST:PORT --pop3 HOST:PORT --http HOST:PORT
                      --data DIR --secret-file FILE [--peers ID=HOST:PORT,...] [options]

Options (flags override the keys of --config):
${nodeOptionHelp.map(([f, h]) => `  ${f.padEnd(34)} ${h}`).join('\n')}

Every node of a cluster gets the same secret file and the others' RPC addresses as peers. Logs are JSON
lines on stdout. SIGTERM or SIGINT stops the node gracefully (exit 0).`;

const addr = (a: { host: string; port: number }): string => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`);

export async function runNodeCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(NODE_USAGE + '\n');
    return 0;
  }
  const parsed = parseNodeArgs(argv);
  if (!parsed.ok) {
    for (const e of parsed.errors) process.stderr.write(`porcupine node: ${e}\n`);
    process.stderr.write(`Run 'porcupine node --help' for the options.\n`);
    return 2;
  }
  const c = parsed.config;
  const secret = readSecret(c.secretFile);
  if (typeof secret === 'string') {
    process.stderr.write(`porcupine node: ${secret}\n`);
    return 2;
  }
  const errors: string[] = [];
  const tls = readTls(c, errors);
  try {
    mkdirSync(c.data, { recursive: true });
  } catch (e) {
    errors.push(`--data ${c.data}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (errors.length > 0) {
    for (const e of errors) process.stderr.write(`porcupine node: ${e}\n`);
    return 2;
  }
  return runNode(c, secret, tls);
}

function readTls(c: NodeProcessConfig, errors: string[]): { key: Buffer; cert: Buffer } | undefined {
  if (c.tlsKey === undefined || c.tlsCert === undefined) return undefined;
  try {
    return { key: readFileSync(c.tlsKey), cert: readFileSync(c.tlsCert) };
  } catch (e) {
    errors.push(`--tls-key/--tls-cert: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

async function runNode(c: NodeProcessConfig, secret: Buffer, tls: { key: Buffer; cert: Buffer } | undefined): Promise<number> {
  const log = pino({ level: c.logLevel, base: { node: c.id } });
  const version = packageVersion();
  let transport: Transport | undefined;
  const open = async (): Promise<NodeStorage> => {
    const s = await openStorage(c.data, { logger: log.child({ part: 'storage' }) });
    s.onFsync = metrics.onFsync;
    return s;
  };
  let storageRef: NodeStorage | undefined;
  const metrics = new NodeMetrics(() => (storageRef ?? driver.currentStorage), () => transport);
  const storage = await open();
  storageRef = storage;
  const config = reducerConfig(c);
  const trace = c.trace === undefined ? undefined : new TraceFile(c.trace, c.id, config.nodes, version, { replicas: c.replicas, ackReplicas: c.ackReplicas });
  const driver: NodeDriver = new NodeDriver({
    self: c.id,
    config,
    storage,
    reopenStorage: async () => {
      const s = await open();
      storageRef = s;
      return s;
    },
    log: log.child({ part: 'driver' }),
    hooks: combineHooks(metrics.hooks, trace?.hooks),
  });
  const faults = c.faultInjection ? new RpcFaults() : undefined;
  if (faults !== undefined) log.warn({}, 'fault injection is ENABLED (--fault-injection): PUT /admin/fault/rpc can cut this node off; never in production');
  transport = await startTransport({
    self: c.id,
    listen: c.rpc,
    peers: c.peers,
    secret,
    onMessage: faults === undefined ? (from, message) => driver.deliver(from, message) : faults.wrapReceive((from, message) => driver.deliver(from, message)),
    logger: log.child({ part: 'transport' }),
  });
  const t = transport;
  const send = (to: string, message: Parameters<typeof t.send>[1]): void => t.send(to, message);
  driver.attachSend(faults === undefined ? send : faults.wrapSend(send));
  driver.boot();
  const smtp = await startSmtpServer({
    host: c.smtp.host, port: c.smtp.port, gateway: driver, domains: c.domains, hostname: c.id,
    maxMessageBytes: c.messageSizeMaxBytes, idleTimeoutMs: c.smtpIdleMs, tls, logger: log.child({ part: 'smtp' }),
  });
  const pop3 = await startPop3Server({
    host: c.pop3.host, port: c.pop3.port, gateway: driver, hostname: c.id, idleTimeoutMs: c.popIdleMs, tls, logger: log.child({ part: 'pop3' }),
  });
  const addresses = (): Record<string, string> => ({
    rpc: addr(t.address), smtp: addr(smtp.address), pop3: addr(pop3.address), http: addr(http.address),
  });
  const http = await startHttpServer({
    host: c.http.host,
    port: c.http.port,
    secret,
    gateway: driver,
    logger: log.child({ part: 'http' }),
    status: () => nodeStatus(driver.nodeState, driver.currentStorage.stats(), t.stats(), addresses()),
    metrics: async () => ({ contentType: metrics.contentType, body: await metrics.render() }),
    faults,
  });
  log.info({ ...addresses(), data: c.data, peers: Object.fromEntries([...c.peers].map(([id, a]) => [id, addr(a)])), replicas: c.replicas, ackReplicas: c.ackReplicas, version }, 'node serving');

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'stopping: no new connections, finishing in-flight work');
      void (async () => {
        // Front ends first (their in-flight transactions still need the driver and the transport), then the
        // driver (waits for writes, fsyncs and closes the storage), then the transport and HTTP.
        await Promise.allSettled([smtp.close(), pop3.close()]);
        await driver.stop();
        await Promise.allSettled([t.close(), http.close(), trace?.close()]);
        log.info({}, 'stopped');
        resolve(0);
      })().catch((err: unknown) => {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'stop failed');
        resolve(1);
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}
