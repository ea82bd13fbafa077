// Property: whatever mix of CR, LF and dots a client puts in DATA, and however TCP cuts it into segments,
// the SMTP front end hands the node exactly one message per DATA (the end-of-data smuggling forms never split
// one), with CRLF line endings only and the client's content (dot-stuffing aside). Real sockets, the
// in-memory test double of the node. Knobs: SEED, PROPERTY_RUNS (properties/support/fc-params.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../../../properties/support/fc-params.js';
import { startSmtpServer } from '../../../src/runtime/smtp/index.js';
import { TestNode } from '../front-end/test-node.js';
import { RawClient } from '../front-end/wire.js';

const file = 'test/runtime/smtp/smtp-data.property.test.ts';
const piece = fc.constantFrom('\r', '\n', '.', '..', 'a', 'b c', '\r\n', '\r\n.', '\n.', '\r.', '.\r', '.\n', 'MAIL FROM:<e@x>');

/** Bodies whose first end-of-data sequence is the one the client appends (otherwise DATA ends there, rightly). */
const body = fc
  .array(piece, { maxLength: 40 })
  .map((parts) => parts.join(''))
  .filter((b) => `${b}\r\n.\r\n`.indexOf('\r\n.\r\n') === b.length && !`${b}\r\n`.startsWith('.\r\n'));

const withoutDots = (s: string): string => s.replace(/\./g, '');
const toCrlf = (s: string): string => s.replace(/\r\n|\r|\n/g, '\r\n');

describe('SMTP DATA under any line endings and segmentation', () => {
  it('property: one DATA gives the node exactly one CRLF-only message with the sent content, however the bytes are segmented', async () => {
    await fc.assert(
      fc.asyncProperty(body, fc.array(fc.nat(), { maxLength: 6 }), async (b, cuts) => {
        const node = new TestNode();
        node.addUser('alice', 'pw');
        const server = await startSmtpServer({ host: '127.0.0.1', port: 0, gateway: node, domains: ['example.org'], closeTimeoutMs: 1_000 });
        const c = await RawClient.connect(server.address.port);
        try {
          c.socket.setNoDelay(true);
          await c.waitFor(/^220 /);
          await c.command('EHLO x', /^250 /m);
          await c.command('MAIL FROM:<s@other.test>', /^250 /m);
          await c.command('RCPT TO:<alice@example.org>', /^250 /m);
          await c.command('DATA', /^354 /m);
          const payload = `${b}\r\n.\r\nQUIT\r\n`;
          const points = [...new Set(cuts.map((n) => n % (payload.length + 1)))].sort((x, y) => x - y);
          let from = 0;
          for (const p of [...points, payload.length]) {
            if (p <= from) continue;
            c.send(payload.slice(from, p));
            from = p;
            await new Promise((resolve) => setTimeout(resolve, 1)); // separate segments, separate reads
          }
          await c.waitFor(/^221 /m);
          const data = node.requests.filter((r) => r.request.kind === 'smtpData');
          expect(data).toHaveLength(1);
          const stored = node.mailboxes.get('alice') ?? [];
          expect(stored).toHaveLength(1);
          expect(stored[0].body).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
          expect(withoutDots(stored[0].body)).toBe(withoutDots(toCrlf(`${b}\r\n`)));
        } finally {
          c.destroy();
          await server.close();
        }
      }),
      propertyParams('SMTP DATA one message per DATA', { file, defaultRuns: 60 }),
    );
  });
});
