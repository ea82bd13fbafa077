// Properties of what POP3 puts on the wire: byte-stuffed multi-line responses decode back to the message and
// end only at their own terminator; the command-line reader does not depend on how TCP cuts the bytes.
// Knobs: SEED, PROPERTY_RUNS (properties/support/fc-params.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../../../properties/support/fc-params.js';
import { multiLine, topOf } from '../../../src/runtime/pop3/format.js';
import { LineReader } from '../../../src/runtime/pop3/line-reader.js';

const file = 'test/runtime/pop3/pop3-format.property.test.ts';
const line = fc.array(fc.constantFrom('.', '..', 'a', ' ', 'Subject: x', 'é'), { maxLength: 6 }).map((p) => p.join(''));
/** A stored message: CRLF lines, with or without a final CRLF. */
const message = fc.tuple(fc.array(line, { maxLength: 12 }), fc.boolean()).map(([ls, end]) => ls.join('\r\n') + (end && ls.length > 0 ? '\r\n' : ''));

/** What an RFC 1939 client does: read lines up to the lone ".", and drop one leading "." from the others. */
function clientDecode(wire: string): { text: string; rest: string } {
  const lines: string[] = [];
  let at = 0;
  for (;;) {
    const end = wire.indexOf('\r\n', at);
    if (end < 0) throw new Error(`no terminator in ${JSON.stringify(wire)}`);
    const l = wire.slice(at, end);
    at = end + 2;
    if (l === '.') return { text: lines.map((x) => `${x}\r\n`).join(''), rest: wire.slice(at) };
    lines.push(l.startsWith('.') ? l.slice(1) : l);
  }
}

describe('POP3 wire format', () => {
  it('property: a byte-stuffed response decodes to the message (plus a final CRLF) and ends exactly at its terminator', () => {
    fc.assert(
      fc.property(message, (m) => {
        const { text, rest } = clientDecode(multiLine(m));
        expect(rest).toBe('');
        expect(text).toBe(m.length === 0 || m.endsWith('\r\n') ? m : `${m}\r\n`);
      }),
      propertyParams('POP3 byte-stuffing round trip', { file, defaultRuns: 500 }),
    );
  });

  it('property: TOP n k is a prefix of the message holding the header section and at most k body lines', () => {
    fc.assert(
      fc.property(message, message, fc.nat(15), (header, bodyPart, k) => {
        // A header section: no blank line inside it, none at either end (a leading CRLF means no header).
        const head = header.replace(/^(\r\n)+|(\r\n)+$/g, '').replace(/(\r\n){2,}/g, '\r\nX\r\n');
        const m = head.length === 0 ? `\r\n${bodyPart}` : `${head}\r\n\r\n${bodyPart}`;
        const top = topOf(m, k);
        expect(m.startsWith(top)).toBe(true);
        const headerPart = head.length === 0 ? '\r\n' : `${head}\r\n\r\n`;
        expect(top.startsWith(headerPart)).toBe(true);
        const bodyLines = top.slice(headerPart.length).split('\r\n').filter((_, i, a) => i < a.length - 1 || a[i] !== '');
        expect(bodyLines.length).toBeLessThanOrEqual(k);
        if (bodyLines.length < k) expect(top).toBe(m);
      }),
      propertyParams('POP3 TOP prefix', { file, defaultRuns: 300 }),
    );
  });

  it('property: the line reader gives the same lines and the same too-long verdict for every chunking', () => {
    const bytes = fc.array(fc.constantFrom('USER a', 'PASS b c', '\r\n', '\n', 'x'.repeat(30), '\r'), { maxLength: 20 }).map((p) => Buffer.from(p.join(''), 'latin1'));
    fc.assert(
      fc.property(bytes, fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        const whole = new LineReader(40).push(data);
        const reader = new LineReader(40);
        const pieces: ReturnType<LineReader['push']> = [];
        const points = [...new Set(cuts.map((n) => n % (data.length + 1)))].sort((a, b) => a - b);
        let from = 0;
        for (const p of [...points, data.length]) {
          if (p < from) continue;
          const events = reader.push(data.subarray(from, p));
          pieces.push(...events);
          from = p;
          if (events.some((e) => e.kind === 'tooLong')) break;
        }
        expect(pieces).toEqual(whole);
      }),
      propertyParams('POP3 line reader chunking', { file, defaultRuns: 500 }),
    );
  });
});
