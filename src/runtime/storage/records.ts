// The on-disk record framing shared by the write log and the snapshot files (docs/runtime-storage.md):
//
//   offset 0  u32 BE  payload length in bytes
//   offset 4  u8      format version (RECORD_VERSION)
//   offset 5  u8      record type (RecordType)
//   offset 6  u16     reserved, 0
//   offset 8  u32 BE  CRC-32 (zlib's polynomial) of bytes 0..8 followed by the payload
//   offset 12 payload (UTF-8 JSON)
//
// WHY the header is inside the checksum: a torn or flipped length would otherwise send the reader to a
// wrong offset that happens to hold a plausible record.
import { crc32 } from 'node:zlib';

export const RECORD_VERSION = 1;
export const HEADER_BYTES = 12;

export const RecordType = {
  /** One HardWrite (the write log). */
  write: 1,
  /** One entry of a persistent map of the snapshot being rebuilt (snapshot files). */
  mapEntry: 2,
  /** The snapshot's root value; its presence marks a complete snapshot (snapshot files). */
  root: 3,
} as const;
export type RecordType = (typeof RecordType)[keyof typeof RecordType];

function isRecordType(t: number): t is RecordType {
  return t === RecordType.write || t === RecordType.mapEntry || t === RecordType.root;
}

export function encodeRecord(type: RecordType, payload: string): Buffer {
  const length = Buffer.byteLength(payload, 'utf8');
  const buf = Buffer.allocUnsafe(HEADER_BYTES + length); // the payload is encoded in place: one copy
  buf.writeUInt32BE(length, 0);
  buf.writeUInt8(RECORD_VERSION, 4);
  buf.writeUInt8(type, 5);
  buf.writeUInt16BE(0, 6);
  buf.write(payload, HEADER_BYTES, 'utf8');
  buf.writeUInt32BE(crc32(buf.subarray(HEADER_BYTES), crc32(buf.subarray(0, 8))), 8);
  return buf;
}

export interface DecodedRecord {
  readonly type: RecordType;
  readonly payload: string;
  /** Bytes the record occupies (header and payload). */
  readonly size: number;
}

export type DecodeResult =
  | { readonly ok: true; readonly record: DecodedRecord }
  /** `short`: the buffer ends inside the record (more bytes may follow in the file). `bad`: it cannot be a record. */
  | { readonly ok: false; readonly why: 'short' | 'bad'; readonly detail: string };

/** Decodes the record at `buf[at]`, checking its header and checksum. */
export function decodeRecordAt(buf: Buffer, at: number, maxPayloadBytes: number): DecodeResult {
  if (buf.length - at < HEADER_BYTES) return { ok: false, why: 'short', detail: `${buf.length - at} bytes, less than a record header` };
  const length = buf.readUInt32BE(at);
  const version = buf.readUInt8(at + 4);
  const type = buf.readUInt8(at + 5);
  if (version !== RECORD_VERSION) return { ok: false, why: 'bad', detail: `unknown format version ${version}` };
  if (!isRecordType(type) || buf.readUInt16BE(at + 6) !== 0) return { ok: false, why: 'bad', detail: `unknown record type ${type}` };
  if (length > maxPayloadBytes) return { ok: false, why: 'bad', detail: `payload length ${length} above the limit ${maxPayloadBytes}` };
  if (buf.length - at < HEADER_BYTES + length) return { ok: false, why: 'short', detail: `payload of ${length} bytes runs past the end` };
  const payload = buf.subarray(at + HEADER_BYTES, at + HEADER_BYTES + length);
  const sum = crc32(payload, crc32(buf.subarray(at, at + 8)));
  if (sum !== buf.readUInt32BE(at + 8)) return { ok: false, why: 'bad', detail: 'checksum mismatch' };
  return { ok: true, record: { type, payload: payload.toString('utf8'), size: HEADER_BYTES + length } };
}

/**
 * Whether any complete, checksummed record starts in `buf` at or after `from`. Used to tell a torn tail
 * (garbage up to the end: an unacknowledged write cut short) from corruption in the middle (a bad record
 * followed by good ones: acknowledged data would be dropped, so the storage refuses to start).
 */
export function findValidRecordAfter(buf: Buffer, from: number, maxPayloadBytes: number): number | undefined {
  for (let at = from; at + HEADER_BYTES <= buf.length; at++) {
    // Cheap header filter before the checksum: version byte, type byte, zero reserved bytes.
    if (buf[at + 4] !== RECORD_VERSION || buf[at + 6] !== 0 || buf[at + 7] !== 0) continue;
    const r = decodeRecordAt(buf, at, maxPayloadBytes);
    if (r.ok) return at;
  }
  return undefined;
}
