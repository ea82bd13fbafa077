// Reads the records of one storage file in order, in bounded chunks (a log or snapshot can be larger than
// one Buffer), and classifies where reading stopped: the clean end, a torn tail, or corruption.
import { open } from 'node:fs/promises';
import { decodeRecordAt, findValidRecordAfter, HEADER_BYTES, type DecodedRecord } from './records.js';

const CHUNK_BYTES = 4 << 20;

export type ScanEnd =
  | { readonly kind: 'clean' }
  /** Bytes from `offset` to the end hold no complete record: an append cut short (never acknowledged). */
  | { readonly kind: 'tornTail'; readonly offset: number; readonly bytes: number; readonly detail: string }
  /** A bad record at `offset` with a good record after it (or too much data after it to be one torn append). */
  | { readonly kind: 'corrupt'; readonly offset: number; readonly detail: string };

export interface ScanResult {
  /** Length of the prefix made of good records. */
  readonly goodLength: number;
  readonly records: number;
  readonly end: ScanEnd;
}

export interface ScanLimits {
  readonly maxPayloadBytes: number;
  /** The most bytes one unacknowledged append can leave at the end (the largest batch); more is corruption. */
  readonly maxTailBytes: number;
}

/** Calls `onRecord` for each good record, in order. An exception from `onRecord` propagates. */
export async function scanFile(path: string, limits: ScanLimits, onRecord: (r: DecodedRecord, offset: number) => void): Promise<ScanResult> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    let buf = Buffer.alloc(0);
    let bufStart = 0; // file offset of buf[0]
    let pos = 0; // file offset of the next record
    let records = 0;
    for (;;) {
      const r = decodeRecordAt(buf, pos - bufStart, limits.maxPayloadBytes);
      if (r.ok) {
        onRecord(r.record, pos);
        pos += r.record.size;
        records++;
        continue;
      }
      const fileEnd = bufStart + buf.length;
      if (r.why === 'short' && fileEnd < size) {
        // Keep the unread part, read the next chunk (at least as much as the record needs).
        const keep = buf.subarray(pos - bufStart);
        const needed = keep.length >= HEADER_BYTES ? HEADER_BYTES + keep.readUInt32BE(0) : HEADER_BYTES;
        const want = Math.min(size - fileEnd, Math.max(CHUNK_BYTES, needed - keep.length));
        const next = Buffer.allocUnsafe(keep.length + want);
        keep.copy(next, 0);
        const { bytesRead } = await fh.read(next, keep.length, want, fileEnd);
        buf = next.subarray(0, keep.length + bytesRead);
        bufStart = pos;
        if (bytesRead === 0) throw new Error(`${path}: file shrank while being read`);
        continue;
      }
      if (pos === size) return { goodLength: pos, records, end: { kind: 'clean' } };
      const tail = size - pos;
      if (tail > limits.maxTailBytes) {
        return { goodLength: pos, records, end: { kind: 'corrupt', offset: pos, detail: `${r.detail}, with ${tail} bytes after it (more than one append)` } };
      }
      const rest = Buffer.allocUnsafe(tail);
      await fh.read(rest, 0, tail, pos);
      const later = findValidRecordAfter(rest, 1, limits.maxPayloadBytes);
      if (later !== undefined) {
        return { goodLength: pos, records, end: { kind: 'corrupt', offset: pos, detail: `${r.detail}; a good record follows at offset ${pos + later}` } };
      }
      return { goodLength: pos, records, end: { kind: 'tornTail', offset: pos, bytes: tail, detail: r.detail } };
    }
  } finally {
    await fh.close();
  }
}
