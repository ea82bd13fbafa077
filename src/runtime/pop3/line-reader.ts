// Splits a POP3 client's byte stream into command lines, with a hard bound on what it buffers: a line longer
// than `maxLineBytes` (counting its CRLF) is an error as soon as that many bytes are pending, so a client that
// sends 1 MB without a newline costs at most maxLineBytes of memory.

export type LineEvent = { readonly kind: 'line'; readonly line: string } | { readonly kind: 'tooLong' };

export class LineReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly maxLineBytes: number) {}

  /** Feeds bytes; returns the complete lines (without CR LF, latin1-decoded) and at most one tooLong. */
  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    for (;;) {
      const lf = chunk.indexOf(0x0a, start);
      if (lf < 0) break;
      const lineBytes = this.pendingBytes + (lf + 1 - start);
      if (lineBytes > this.maxLineBytes) {
        events.push({ kind: 'tooLong' });
        this.reset();
        return events;
      }
      let line = Buffer.concat([...this.pending, chunk.subarray(start, lf)]).toString('latin1');
      if (line.endsWith('\r')) line = line.slice(0, -1);
      events.push({ kind: 'line', line });
      this.reset();
      start = lf + 1;
    }
    const rest = chunk.length - start;
    if (rest > 0) {
      if (this.pendingBytes + rest >= this.maxLineBytes) {
        events.push({ kind: 'tooLong' });
        this.reset();
        return events;
      }
      this.pending.push(chunk.subarray(start));
      this.pendingBytes += rest;
    }
    return events;
  }

  /** Forgets any partial line (after STLS: plaintext sent after the command must not survive the upgrade). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}
