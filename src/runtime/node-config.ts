// A node process's configuration: a JSON file (`porcupine node --config FILE`) or flags, validated as a whole
// so that every mistake is reported at once, one clear line each.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { NodeConfig } from '../pure/io.js';
import type { PeerAddress } from './contracts.js';

export interface NodeProcessConfig {
  readonly id: string;
  readonly rpc: PeerAddress;
  readonly smtp: PeerAddress;
  readonly pop3: PeerAddress;
  readonly http: PeerAddress;
  readonly data: string;
  /** Every other node of the cluster (its RPC address); the node's own entry may be present and is ignored. */
  readonly peers: ReadonlyMap<string, PeerAddress>;
  readonly secretFile: string;
  readonly domains: readonly string[];
  readonly replicas: number;
  readonly ackReplicas: number;
  readonly messageSizeMaxBytes: number;
  /** NDJSON trace of this node's events (the simulator's event format), when set. */
  readonly trace?: string;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly popIdleMs: number;
  readonly smtpIdleMs: number;
  readonly tlsKey?: string;
  readonly tlsCert?: string;
  /** Enables the fault-injection admin endpoint (PUT /admin/fault/rpc): for tests and drills only. */
  readonly faultInjection: boolean;
}

/** The flags and JSON keys, with what they mean (the `--help` text is built from this). */
export const nodeOptionHelp: readonly [string, string][] = [
  ['--config FILE', 'JSON file with the keys below (without the dashes; peers as an object {"id":"host:port"})'],
  ['--id ID', 'this node\'s id (letters, digits, - _ .), e.g. n1'],
  ['--rpc HOST:PORT', 'node-to-node address (peers dial it)'],
  ['--smtp HOST:PORT', 'SMTP front end'],
  ['--pop3 HOST:PORT', 'POP3 front end'],
  ['--http HOST:PORT', 'status page, /metrics, /healthz and the admin API'],
  ['--data DIR', 'data directory (created if missing)'],
  ['--peers ID=HOST:PORT,...', 'the other nodes\' RPC addresses'],
  ['--secret-file FILE', 'the cluster secret (authenticates frames and admin requests; at least 32 bytes)'],
  ['--domain NAME', 'a mail domain of the cluster (repeatable; default localhost)'],
  ['--replicas R', 'copies of each message, 1–3 (default 2, at most the number of nodes)'],
  ['--ack-replicas A', 'copies durable before SMTP 250, 1–R (default min(2, R))'],
  ['--message-size-max BYTES', 'largest message accepted (default 10485760)'],
  ['--trace FILE', 'write this node\'s trace events as NDJSON'],
  ['--log-level LEVEL', 'debug, info, warn or error (default info)'],
  ['--pop-idle-ms MS', 'POP3 idle timeout (default 600000, RFC 1939 §3: at least 10 minutes)'],
  ['--smtp-idle-ms MS', 'SMTP idle timeout (default 300000)'],
  ['--tls-key FILE / --tls-cert FILE', 'PEM key and certificate: enables STARTTLS and STLS'],
  ['--fault-injection', 'tests and drills only: enables PUT /admin/fault/rpc {"isolated": true|false} (secret-authenticated), which drops all of this node\'s RPC traffic both ways while SMTP, POP3 and HTTP keep serving (JSON key faultInjection: true)'],
];

type Raw = Record<string, unknown>;

const flagKeys: Record<string, string> = {
  '--config': 'config', '--id': 'id', '--rpc': 'rpc', '--smtp': 'smtp', '--pop3': 'pop3', '--http': 'http', '--data': 'data',
  '--peers': 'peers', '--secret-file': 'secretFile', '--domain': 'domains', '--replicas': 'replicas', '--ack-replicas': 'ackReplicas',
  '--message-size-max': 'messageSizeMaxBytes', '--trace': 'trace', '--log-level': 'logLevel', '--pop-idle-ms': 'popIdleMs',
  '--smtp-idle-ms': 'smtpIdleMs', '--tls-key': 'tlsKey', '--tls-cert': 'tlsCert', '--fault-injection': 'faultInjection',
};

/** Flags that take no value (present = true). */
const switchKeys = new Set(['faultInjection']);

const knownKeys = new Set(Object.values(flagKeys).filter((k) => k !== 'config'));

export type ParseResult = { readonly ok: true; readonly config: NodeProcessConfig } | { readonly ok: false; readonly errors: readonly string[] };

/** Parses `porcupine node` arguments: flags override the keys of `--config`. */
export function parseNodeArgs(argv: readonly string[]): ParseResult {
  const errors: string[] = [];
  const flags: Raw = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const key = flagKeys[name];
    if (key === undefined) {
      errors.push(`unknown option '${arg}'`);
      continue;
    }
    if (switchKeys.has(key) && eq < 0) {
      flags[key] = true;
      continue;
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      errors.push(`${name} needs a value`);
      continue;
    }
    if (key === 'domains') flags.domains = [...((flags.domains as string[] | undefined) ?? []), value];
    else flags[key] = value;
  }
  let base: Raw = {};
  let baseDir = process.cwd();
  if (typeof flags.config === 'string') {
    const file = resolve(flags.config);
    baseDir = dirname(file);
    try {
      const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) errors.push(`--config ${flags.config}: not a JSON object`);
      else base = parsed as Raw;
    } catch (e) {
      errors.push(`--config ${flags.config}: ${e instanceof Error ? e.message : String(e)}`);
    }
    for (const k of Object.keys(base)) if (!knownKeys.has(k)) errors.push(`--config ${flags.config}: unknown key '${k}'`);
  }
  delete flags.config;
  const r = validate({ ...base, ...flags }, baseDir, errors);
  return errors.length > 0 || r === undefined ? { ok: false, errors } : { ok: true, config: r };
}

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export function parseHostPort(s: string): PeerAddress | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(s);
  if (m === null) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  const host = m[1].startsWith('[') ? m[1].slice(1, -1) : m[1];
  if (m[1].startsWith('[') && isIP(host) !== 6) return undefined;
  return { host, port };
}

function validate(raw: Raw, baseDir: string, errors: string[]): NodeProcessConfig | undefined {
  const str = (key: string, flag: string, required: boolean): string | undefined => {
    const v = raw[key];
    if (v === undefined) {
      if (required) errors.push(`${flag} is required`);
      return undefined;
    }
    if (typeof v !== 'string' || v.length === 0) {
      errors.push(`${flag} must be a non-empty string`);
      return undefined;
    }
    return v;
  };
  const addr = (key: string, flag: string): PeerAddress | undefined => {
    const s = str(key, flag, true);
    if (s === undefined) return undefined;
    const a = parseHostPort(s);
    if (a === undefined) errors.push(`${flag} '${s}' is not HOST:PORT (port 0–65535)`);
    return a;
  };
  const int = (key: string, flag: string, min: number, max: number, fallback: number): number => {
    const v = raw[key];
    if (v === undefined) return fallback;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+$/.test(v) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      errors.push(`${flag} must be an integer from ${min} to ${max}, got '${String(v)}'`);
      return fallback;
    }
    return n;
  };
  const id = str('id', '--id', true);
  if (id !== undefined && !idPattern.test(id)) errors.push(`--id '${id}' may contain only letters, digits, '.', '_' and '-' (at most 63)`);
  const rpc = addr('rpc', '--rpc');
  const smtp = addr('smtp', '--smtp');
  const pop3 = addr('pop3', '--pop3');
  const http = addr('http', '--http');
  const data = str('data', '--data', true);
  const secretFile = str('secretFile', '--secret-file', true);
  const peers = parsePeers(raw.peers, errors);
  if (id !== undefined) peers.delete(id);
  const domainsRaw = raw.domains ?? ['localhost'];
  const domains: string[] = [];
  if (!Array.isArray(domainsRaw) || domainsRaw.length === 0) errors.push('--domain: give at least one domain');
  else {
    for (const d of domainsRaw) {
      if (typeof d === 'string' && /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9][A-Za-z0-9-]{0,62})*$/.test(d)) domains.push(d.toLowerCase());
      else errors.push(`--domain '${String(d)}' is not a domain name`);
    }
  }
  const clusterSize = peers.size + 1;
  const replicas = int('replicas', '--replicas', 1, 3, Math.min(2, clusterSize));
  if (replicas > clusterSize) errors.push(`--replicas ${replicas} is more than the ${clusterSize} node(s) of the cluster`);
  const ackReplicas = int('ackReplicas', '--ack-replicas', 1, 3, Math.min(2, replicas));
  if (ackReplicas > replicas) errors.push(`--ack-replicas ${ackReplicas} is more than --replicas ${replicas}`);
  const messageSizeMaxBytes = int('messageSizeMaxBytes', '--message-size-max', 1024, 1 << 30, 10 * 1024 * 1024);
  const popIdleMs = int('popIdleMs', '--pop-idle-ms', 1000, 24 * 3600_000, 600_000);
  const smtpIdleMs = int('smtpIdleMs', '--smtp-idle-ms', 1000, 24 * 3600_000, 300_000);
  const logLevel = raw.logLevel ?? 'info';
  if (logLevel !== 'debug' && logLevel !== 'info' && logLevel !== 'warn' && logLevel !== 'error') errors.push(`--log-level '${String(logLevel)}' is not debug, info, warn or error`);
  const trace = str('trace', '--trace', false);
  const tlsKey = str('tlsKey', '--tls-key', false);
  const tlsCert = str('tlsCert', '--tls-cert', false);
  if ((tlsKey === undefined) !== (tlsCert === undefined)) errors.push('--tls-key and --tls-cert go together');
  const faultInjection = raw.faultInjection ?? false;
  if (typeof faultInjection !== 'boolean') errors.push(`--fault-injection takes no value (JSON: "faultInjection": true), got '${String(faultInjection)}'`);
  if (id === undefined || rpc === undefined || smtp === undefined || pop3 === undefined || http === undefined || data === undefined || secretFile === undefined) return undefined;
  const at = (p: string): string => resolve(baseDir, p);
  return {
    id, rpc, smtp, pop3, http, data: at(data), peers, secretFile: at(secretFile), domains, replicas, ackReplicas, messageSizeMaxBytes,
    trace: trace === undefined ? undefined : at(trace),
    logLevel: logLevel as NodeProcessConfig['logLevel'], popIdleMs, smtpIdleMs,
    tlsKey: tlsKey === undefined ? undefined : at(tlsKey), tlsCert: tlsCert === undefined ? undefined : at(tlsCert),
    faultInjection: faultInjection === true,
  };
}

function parsePeers(v: unknown, errors: string[]): Map<string, PeerAddress> {
  const out = new Map<string, PeerAddress>();
  if (v === undefined) return out;
  let entries: [string, unknown][];
  if (typeof v === 'string') {
    entries = v.split(',').filter((x) => x.length > 0).map((x): [string, unknown] => {
      const eq = x.indexOf('=');
      return eq < 0 ? [x, undefined] : [x.slice(0, eq), x.slice(eq + 1)];
    });
  } else if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    entries = Object.entries(v);
  } else {
    errors.push('--peers must be ID=HOST:PORT,... (or a JSON object {"id":"host:port"})');
    return out;
  }
  for (const [id, a] of entries) {
    if (!idPattern.test(id)) errors.push(`--peers: '${id}' is not a node id`);
    const addr = typeof a === 'string' ? parseHostPort(a) : undefined;
    if (addr === undefined || addr.port === 0) errors.push(`--peers: ${id}'s address '${String(a)}' is not HOST:PORT with a fixed port`);
    else if (out.has(id)) errors.push(`--peers: ${id} is given twice`);
    else out.set(id, addr);
  }
  return out;
}

/**
 * Replication limits of a real node where they differ from the simulator's defaults. pushRetryMs: over TCP a
 * push is lost only with its connection (the transport reconnects and sends what is queued), so the first
 * re-push waits 1 s, not 200 ms: on a loaded machine an ack often takes longer than 200 ms, and each early
 * retry re-sent a 4.7 KB message for nothing (docs/performance-runtime.md).
 */
export const runtimeReplicationLimits = { pushRetryMs: 1_000 } as const;

/** The reducer's configuration for this node. */
export function reducerConfig(c: NodeProcessConfig): NodeConfig {
  return {
    nodes: [c.id, ...c.peers.keys()],
    loadPolicy: 'dynamic',
    spread: 2,
    messageSizeMaxBytes: c.messageSizeMaxBytes,
    replicas: c.replicas,
    ackReplicas: c.ackReplicas,
    replicationLimits: runtimeReplicationLimits,
  };
}

/** Reads the cluster secret: at least 32 bytes (after trimming a final newline), else a clear error. */
export function readSecret(file: string): Buffer | string {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    return `--secret-file ${file}: ${e instanceof Error ? e.message : String(e)}`;
  }
  const s = raw.toString('utf8').trim();
  if (s.length < 32) return `--secret-file ${file}: the secret must be at least 32 characters (e.g. openssl rand -hex 32)`;
  return Buffer.from(s, 'utf8');
}
