// What the SMTP and POP3 front ends share: TLS material, a quiet default logger, option checks, the handle.
import tls from 'node:tls';
import type { RuntimeLogger } from '../contracts.js';

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
