// What the SMTP and POP3 front ends share: TLS material, the logger, a quiet default logger.
import type { RuntimeLogger } from '../contracts.js';

/** PEM key and certificate enabling STARTTLS (SMTP) and STLS (POP3). */
export interface TlsMaterial {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
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
