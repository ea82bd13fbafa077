// What POP3 sends of a message (RFC 1939): byte-stuffed multi-line responses, TOP's header-and-k-lines
// cut, and UIDLs that keep to RFC 1939 §7's alphabet.
import { createHash } from 'node:crypto';
import { toCrlf } from '../front-end/line-endings.js';

/**
 * A multi-line response body: CRLF line endings, every line that starts with "." stuffed with one more ".",
 * a final CRLF, then the terminating ".". So a body line "." goes out as ".." and never ends the response.
 */
export function multiLine(text: string): string {
  let body = toCrlf(text);
  if (body.length > 0 && !body.endsWith('\r\n')) body += '\r\n';
  return `${body.replace(/(^|\r\n)\./g, '$1..')}.\r\n`;
}

/** TOP n k (RFC 1939 §7): the header section, the blank line after it, and the first k lines of the body. */
export function topOf(message: string, lines: number): string {
  const text = toCrlf(message);
  const blank = text.startsWith('\r\n') ? 0 : text.indexOf('\r\n\r\n');
  if (blank < 0) return text; // all header: nothing to cut
  const bodyStart = blank === 0 ? 2 : blank + 4;
  let end = bodyStart;
  for (let i = 0; i < lines && end < text.length; i++) {
    const next = text.indexOf('\r\n', end);
    end = next < 0 ? text.length : next + 2;
  }
  return text.slice(0, end);
}

const uidlAllowed = /^[\x21-\x7e]{1,70}$/;

/**
 * The unique-id of a message: its msgId (prefixed `namespace.` when a namespace is given) when that fits
 * RFC 1939 §7 (1–70 characters in 0x21–0x7E), else a digest of it. Either way a function of the namespace and
 * the msgId alone, so stable across sessions and nodes. The namespace exists because msgIds restart with a
 * fresh data directory (`n1-1-0` again): a client that remembers UIDLs per host (mpop, fetchmail, "leave on
 * server") would take a new message for one it has seen. A cluster-wide value that changes with a fresh
 * cluster (e.g. derived from its secret) keeps them apart.
 */
export function uidlOf(msgId: string, namespace = ''): string {
  const id = namespace === '' ? msgId : `${namespace}.${msgId}`;
  return uidlAllowed.test(id) ? id : `h${createHash('sha256').update(id).digest('hex').slice(0, 40)}`;
}
