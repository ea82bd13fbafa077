// User names: what a mailbox may be called, checked at the edge of every transaction (SMTP RCPT, POP USER,
// administration). Letters, digits, `.`, `_`, `+`, `-`; 1–64 characters (the local-part limit of
// RFC 5321 §4.5.3.1.1); case-insensitive, so the canonical form is lower case (and the bucket hash, which
// lower-cases too, agrees). A bad name is data — an error reply (SMTP 553, POP -ERR) — never an exception.
import type { UserId } from './types.js';

export const userNameLengthMax = 64;

const allowed = /^[A-Za-z0-9._+-]+$/;

export type UserNameCheck =
  | { readonly ok: true; readonly user: UserId }
  | { readonly ok: false; readonly reason: string };

export function checkUserName(raw: string): UserNameCheck {
  if (raw.length === 0) return { ok: false, reason: 'empty user name' };
  if (raw.length > userNameLengthMax) return { ok: false, reason: `user name longer than ${userNameLengthMax} characters` };
  if (!allowed.test(raw)) return { ok: false, reason: 'user name may contain only letters, digits, . _ + -' };
  return { ok: true, user: raw.toLowerCase() };
}
