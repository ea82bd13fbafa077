// What the SMTP and POP3 front ends share: their common options and how they are checked, TLS material, a
// quiet default logger, the handle.
import tls from 'node:tls';
import type { NodeGateway, RuntimeLogger } from '../contracts.js';

/**
 * Options both front ends take. Their defaults differ by protocol (SmtpOptions, Pop3Options and the table in
 * docs/runtime-smtp-pop3.md); a limit that is reached refuses cleanly and, where the text says so, closes.
 */
export interface FrontEndOptions {
  /** Address to bind (a 127.0.0.x address in tests). */
  readonly host: string;
  /** 0 lets the OS choose a free port; `address.port` of the handle tells which. */
  readonly port: number;
  readonly gateway: NodeGateway;
  /** Name in the greeting (default `porcupine`). */
  readonly hostname?: string;
  /** Longest command line in octets including CRLF; a longer one is refused and the connection closed. */
  readonly maxLineLength?: number;
  /** Unrecognised commands before the connection is closed. */
  readonly maxUnrecognisedCommands?: number;
  /** Open connections in all; one more is refused at connect. */
  readonly maxConnections?: number;
  /** Open connections per client address; one more is refused at connect. */
  readonly maxConnectionsPerAddress?: number;
  /** A connection idle this long is closed (the node gets `sessionEnd`). */
  readonly idleTimeoutMs?: number;
  /** How long close() lets in-flight transactions finish before it drops their connections. */
  readonly closeTimeoutMs?: number;
  /** Key and certificate: STARTTLS / STLS is offered only when given. */
  readonly tls?: TlsMaterial;
  readonly logger?: RuntimeLogger;
}

type Limits = Required<Pick<FrontEndOptions, 'hostname' | 'maxLineLength' | 'maxUnrecognisedCommands' | 'maxConnections' | 'maxConnectionsPerAddress' | 'idleTimeoutMs' | 'closeTimeoutMs'>>;

/** The common options checked and completed with a protocol's defaults. */
export interface FrontEndSettings extends Limits {
  readonly logger: RuntimeLogger;
  readonly secureContext: tls.SecureContext | undefined;
}

/** Checks the common options (one clear error per mistake) and fills in `defaults`. */
export function frontEndSettings(what: string, options: FrontEndOptions, defaults: Limits): FrontEndSettings {
  const limit = (name: keyof Omit<Limits, 'hostname'>): number => positiveOption(name, options[name], defaults[name]);
  const settings = {
    hostname: options.hostname ?? defaults.hostname,
    maxLineLength: limit('maxLineLength'),
    maxUnrecognisedCommands: limit('maxUnrecognisedCommands'),
    maxConnections: limit('maxConnections'),
    maxConnectionsPerAddress: limit('maxConnectionsPerAddress'),
    idleTimeoutMs: limit('idleTimeoutMs'),
    closeTimeoutMs: limit('closeTimeoutMs'),
    logger: options.logger ?? silentLogger,
    secureContext: secureContextOf(what, options.tls),
  };
  if (settings.maxLineLength < 8) throw new RangeError(`${what}: maxLineLength must leave room for a command and its CRLF`);
  return settings;
}

/** PEM key and certificate enabling STARTTLS (SMTP) and STLS (POP3). */
export interface TlsMaterial {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

/** The TLS context for STARTTLS/STLS, or undefined without material; a bad key or certificate is one clear error. */
export function secureContextOf(what: string, material: TlsMaterial | undefined): tls.SecureContext | undefined {
  if (material === undefined) return undefined;
  try {
    return tls.createSecureContext({ key: material.key, cert: material.cert });
  } catch (err) {
    throw new Error(`${what}: unusable TLS key or certificate: ${(err as Error).message}`);
  }
}

/** The default when no logger is given: the front ends then log nothing (a library must not print). */
export const silentLogger: RuntimeLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** A positive integer option or its default; anything else is a programming error, reported clearly. */
export function positiveOption(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

/** What starting a front end gives the node process. */
export interface FrontEndHandle<Stats> {
  /** The address actually bound (port 0 in the options means an OS-chosen port). */
  readonly address: { readonly host: string; readonly port: number };
  stats(): Stats;
  /** Stops accepting, closes idle connections, lets in-flight transactions finish (bounded), then closes. */
  close(): Promise<void>;
}
