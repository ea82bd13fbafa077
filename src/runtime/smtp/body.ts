// The message body as the SMTP front end hands it to the node: CRLF line endings only, and the Message-ID.
//
// smtp-server ends DATA only at the exact sequence CRLF "." CRLF (or "." CRLF right after the DATA reply),
// so none of the end-of-data smuggling forms (`\n.\r\n`, `\n.\n`, `\r\n.\n`, `\r.\r\n`, ...) ends a message
// early: they arrive here inside one body. What is left to decide is what a bare CR or LF inside a body
// becomes (docs/runtime-smtp-pop3.md "Line endings"):
//   'reject'    — refuse the message with 550 5.5.2, as Postfix does with smtpd_forbid_bare_newline=reject;
//   'normalise' — turn every bare CR and bare LF into CRLF (Postfix's `normalize`), so stored bodies have
//                 CRLF line endings whatever the client sent. A smuggled "." line then becomes a line with a
//                 single dot inside the body, which POP3 byte-stuffs on the way out like any other.

import { hasBareLineEnding, toCrlf } from '../front-end/line-endings.js';

export type BareLineEndingPolicy = 'reject' | 'normalise';

export type BodyCheck =
  | { readonly ok: true; readonly body: string; readonly bareLineEndings: boolean }
  | { readonly ok: false; readonly code: number; readonly text: string };

/**
 * Decodes a received body (octets; latin1 keeps one character per octet, so the reducer's length is the
 * octet count and 8-bit bodies come back byte for byte) and applies the bare line ending policy.
 */
export function checkBody(data: Buffer, policy: BareLineEndingPolicy): BodyCheck {
  const text = data.toString('latin1');
  if (!hasBareLineEnding(data)) return { ok: true, body: text, bareLineEndings: false };
  if (policy === 'reject') return { ok: false, code: 550, text: '5.5.2 message contains a bare CR or LF; lines must end with CRLF' };
  return { ok: true, body: toCrlf(text), bareLineEndings: true };
}

/** Longest Message-ID taken as a duplicate-suppression key (an RFC 5322 line is at most 998 octets). */
const messageIdLengthMax = 998;

/** The Message-ID header's value (unfolded, trimmed), or undefined when the header section has none. */
export function messageIdOf(body: string): string | undefined {
  if (body.startsWith('\r\n')) return undefined; // an empty header section
  const end = body.indexOf('\r\n\r\n');
  const header = (end < 0 ? body : body.slice(0, end + 2)).replace(/\r\n[ \t]+/g, ' ');
  const match = /^message-id:[ \t]*([^\r\n]*)/im.exec(header);
  const value = match?.[1].trim();
  if (value === undefined || value.length === 0 || value.length > messageIdLengthMax) return undefined;
  return value;
}
