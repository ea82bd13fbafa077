// Wire frames of the node-to-node transport (docs/runtime-transport.md):
//
//   u32 BE  body length (at most maxFrameBytes; a larger prefix closes the connection)
//   body:
//     u8      version (FRAME_VERSION)
//     u8      type: 1 = challenge (acceptor → connector, once), 2 = message (connector → acceptor)
//     32 B    HMAC-SHA256 tag
//     challenge: 16 B nonce, u16 id length, id (the acceptor's node id)
//     message:   u16 from length, from, u16 to length, to, u64 BE sequence, payload (UTF-8 JSON of one
//                message, or of an array of messages: a batch)
//
// The tag covers a domain string, version, type and everything after the tag; a message's tag also covers
// the challenge nonce of its connection. So a frame captured on one connection is refused on any other (its
// tag does not verify), and on its own connection the strictly increasing sequence refuses it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const FRAME_VERSION = 1;
export const FrameType = { challenge: 1, message: 2 } as const;
export const NONCE_BYTES = 16;
const TAG_BYTES = 32;
const PREFIX_BYTES = 2 + TAG_BYTES; // version, type, tag
const DOMAIN = Buffer.from('porcupine-ts transport frame v1\0', 'latin1');
const MAX_ID_BYTES = 255;

export type Key = Buffer;

export function frameKey(secret: Buffer | string): Key {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.length === 0) throw new Error('transport: the cluster secret is empty');
  return key;
}

function tag(key: Key, body: Buffer, nonce: Buffer | undefined): Buffer {
  const h = createHmac('sha256', key);
  h.update(DOMAIN);
  if (nonce !== undefined) h.update(nonce);
  h.update(body.subarray(0, 2));
  h.update(body.subarray(PREFIX_BYTES));
  return h.digest();
}

function withLength(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function idBytes(id: string): Buffer {
  const b = Buffer.from(id, 'utf8');
  if (b.length === 0 || b.length > MAX_ID_BYTES) throw new Error(`transport: node id "${id}" must be 1–${MAX_ID_BYTES} bytes`);
  return b;
}

export function encodeChallenge(key: Key, self: string, nonce: Buffer): Buffer {
  const id = idBytes(self);
  const body = Buffer.alloc(PREFIX_BYTES + NONCE_BYTES + 2 + id.length);
  body.writeUInt8(FRAME_VERSION, 0);
  body.writeUInt8(FrameType.challenge, 1);
  nonce.copy(body, PREFIX_BYTES);
  body.writeUInt16BE(id.length, PREFIX_BYTES + NONCE_BYTES);
  id.copy(body, PREFIX_BYTES + NONCE_BYTES + 2);
  tag(key, body, undefined).copy(body, 2);
  return withLength(body);
}

/**
 * A whole message frame (length prefix included) for the connection whose challenge was `nonce`. The payload
 * is the JSON of one Message, or of an array of Messages (a batch: a Message is always an object, so the two
 * cannot be confused). `payload` may be given in parts, which are written one after the other.
 */
export function encodeMessage(key: Key, nonce: Buffer, from: string, to: string, seq: bigint, payload: Buffer | readonly Buffer[]): Buffer {
  const f = idBytes(from);
  const t = idBytes(to);
  const parts = Buffer.isBuffer(payload) ? [payload] : payload;
  let payloadBytes = 0;
  for (const p of parts) payloadBytes += p.length;
  // One allocation for prefix and body: the payload (a mail body, for a store) is copied once.
  const out = Buffer.allocUnsafe(4 + PREFIX_BYTES + 2 + f.length + 2 + t.length + 8 + payloadBytes);
  out.writeUInt32BE(out.length - 4, 0);
  const body = out.subarray(4);
  body.writeUInt8(FRAME_VERSION, 0);
  body.writeUInt8(FrameType.message, 1);
  let at = PREFIX_BYTES;
  body.writeUInt16BE(f.length, at);
  f.copy(body, at + 2);
  at += 2 + f.length;
  body.writeUInt16BE(t.length, at);
  t.copy(body, at + 2);
  at += 2 + t.length;
  body.writeBigUInt64BE(seq, at);
  at += 8;
  for (const p of parts) {
    p.copy(body, at);
    at += p.length;
  }
  tag(key, body, nonce).copy(body, 2);
  return out;
}

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly why: string };

function verify(key: Key, body: Buffer, nonce: Buffer | undefined): boolean {
  const expected = tag(key, body, nonce);
  return timingSafeEqual(expected, body.subarray(2, PREFIX_BYTES));
}

function header(body: Buffer, type: number): string | undefined {
  if (body.length < PREFIX_BYTES) return `frame of ${body.length} bytes is shorter than its header`;
  if (body[0] !== FRAME_VERSION) return `unknown frame version ${body[0]}`;
  if (body[1] !== type) return `unexpected frame type ${body[1]}`;
  return undefined;
}

export function decodeChallenge(key: Key, body: Buffer): Decoded<{ readonly nonce: Buffer; readonly id: string }> {
  const bad = header(body, FrameType.challenge);
  if (bad !== undefined) return { ok: false, why: bad };
  const at = PREFIX_BYTES + NONCE_BYTES;
  if (body.length < at + 2 || body.length !== at + 2 + body.readUInt16BE(at)) return { ok: false, why: 'malformed challenge' };
  if (!verify(key, body, undefined)) return { ok: false, why: 'bad HMAC on challenge (different cluster secret?)' };
  return { ok: true, value: { nonce: Buffer.from(body.subarray(PREFIX_BYTES, at)), id: body.toString('utf8', at + 2) } };
}

export interface MessageFrame {
  readonly from: string;
  readonly to: string;
  readonly seq: bigint;
  readonly payload: Buffer;
}

export function decodeMessage(key: Key, nonce: Buffer, body: Buffer): Decoded<MessageFrame> {
  const bad = header(body, FrameType.message);
  if (bad !== undefined) return { ok: false, why: bad };
  let at = PREFIX_BYTES;
  if (body.length < at + 2) return { ok: false, why: 'malformed message frame' };
  const fl = body.readUInt16BE(at);
  if (body.length < at + 2 + fl + 2) return { ok: false, why: 'malformed message frame' };
  const fromAt = at + 2;
  at = fromAt + fl;
  const tl = body.readUInt16BE(at);
  const toAt = at + 2;
  at = toAt + tl;
  if (body.length < at + 8) return { ok: false, why: 'malformed message frame' };
  // The tag first: nothing else of an unauthenticated frame is believed.
  if (!verify(key, body, nonce)) return { ok: false, why: 'bad HMAC' };
  return {
    ok: true,
    value: {
      from: body.toString('utf8', fromAt, fromAt + fl),
      to: body.toString('utf8', toAt, toAt + tl),
      seq: body.readBigUInt64BE(at),
      payload: body.subarray(at + 8),
    },
  };
}

/**
 * Splits a byte stream into frame bodies. A length prefix above `maxFrameBytes` (or zero) is an error: the
 * stream cannot be trusted after it, so the caller closes the connection. A body's chunks are gathered and
 * joined once complete: memory follows the bytes actually received, not the size a (possibly hostile,
 * unauthenticated) sender announces, and large frames are not re-concatenated chunk by chunk.
 */
export class FrameReader {
  private head = Buffer.alloc(4);
  private headFill = 0;
  private bodyLength = -1;
  private parts: Buffer[] = [];
  private bodyFill = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held for an incomplete frame (at most maxFrameBytes + 4). */
  get buffered(): number {
    return this.headFill + this.bodyFill;
  }

  /** Returns the complete bodies in `chunk`, or an error string (then the reader must not be used again). */
  push(chunk: Buffer): Buffer[] | string {
    const out: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.bodyLength < 0) {
        const n = Math.min(4 - this.headFill, chunk.length - at);
        chunk.copy(this.head, this.headFill, at, at + n);
        this.headFill += n;
        at += n;
        if (this.headFill < 4) break;
        const len = this.head.readUInt32BE(0);
        if (len === 0 || len > this.maxFrameBytes) return `frame length ${len} outside 1..${this.maxFrameBytes}`;
        this.bodyLength = len;
        this.bodyFill = 0;
      }
      const n = Math.min(this.bodyLength - this.bodyFill, chunk.length - at);
      this.parts.push(chunk.subarray(at, at + n));
      this.bodyFill += n;
      at += n;
      if (this.bodyFill === this.bodyLength) {
        out.push(this.parts.length === 1 ? this.parts[0] : Buffer.concat(this.parts, this.bodyLength));
        this.parts = [];
        this.bodyLength = -1;
        this.headFill = 0;
        this.bodyFill = 0;
      }
    }
    return out;
  }
}
