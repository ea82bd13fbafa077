// What the front ends (SMTP and POP proxies, in the runtime or the simulator's workload) ask of a node,
// and what the node answers. The wire protocols (RFC 5321, RFC 1939) are the runtime's business; these
// are the transactions behind them. Codes are SMTP reply codes where the transaction is SMTP.
import type { MsgId } from './types.js';

export type ClientRequest =
  /** SMTP RCPT TO: is this a local user? (unknown → 550, bad name → 553/501, manager unreachable → 451) */
  | { readonly kind: 'smtpRcpt'; readonly user: string }
  /**
   * SMTP DATA for the accepted recipients. `clientMsgId` (the Message-ID header, when present) lets a retry
   * of the same message (same Message-ID and same body) be suppressed as a duplicate; a different body with
   * the same Message-ID is a new message. Each recipient is delivered independently.
   */
  | {
      readonly kind: 'smtpData';
      readonly sender: string;
      readonly recipients: readonly string[];
      readonly body: string;
      readonly clientMsgId?: string;
    }
  /** POP USER/PASS (RFC 1939 §7): authenticate at the user's manager, then gather the listing. */
  | { readonly kind: 'popAuth'; readonly user: string; readonly password: string }
  /** POP LIST/UIDL/STAT: the listing gathered at authentication (a POP session sees a fixed maildrop). */
  | { readonly kind: 'popList' }
  /** POP RETR/TOP: fetch one body on demand from a node holding it. */
  | { readonly kind: 'popRetr'; readonly msgId: MsgId }
  /** POP DELE marks; POP RSET unmarks; deletes happen at QUIT (RFC 1939 §6 UPDATE state). */
  | { readonly kind: 'popDele'; readonly msgId: MsgId }
  | { readonly kind: 'popRset' }
  | { readonly kind: 'popQuit' }
  /** The connection closed (without QUIT: no deletes, RFC 1939 §6); the node forgets the session. */
  | { readonly kind: 'sessionEnd' }
  /** Administration: create a user or set a password (verifier is opaque: scrypt in the runtime). */
  | { readonly kind: 'adminSetUser'; readonly user: string; readonly verifier: string }
  /** Administration: the users with a profile (explicitly created, not removed), gathered from every member. */
  | { readonly kind: 'adminListUsers' };

export interface PopListing {
  readonly msgId: MsgId;
  readonly sizeBytes: number;
}

/** Result of one recipient of an smtpData transaction. */
export interface RecipientResult {
  readonly user: string;
  readonly code: number; // 250 stored, 451 temporary failure, 550 unknown user, 552 too big, 553 bad name
  readonly msgId?: MsgId;
}

export type ClientReply =
  | { readonly kind: 'smtpRcpt'; readonly code: number; readonly text: string }
  /** Overall code: 250 when every recipient got 250, else the first failing code (451 wins over 5xx). */
  | { readonly kind: 'smtpData'; readonly code: number; readonly text: string; readonly results: readonly RecipientResult[] }
  | { readonly kind: 'popAuth'; readonly ok: boolean; readonly text: string }
  | { readonly kind: 'popList'; readonly ok: boolean; readonly messages: readonly PopListing[]; readonly text: string }
  | { readonly kind: 'popRetr'; readonly ok: boolean; readonly body?: string; readonly text: string }
  | { readonly kind: 'popDele'; readonly ok: boolean; readonly text: string }
  | { readonly kind: 'popRset'; readonly ok: boolean; readonly text: string }
  | { readonly kind: 'popQuit'; readonly ok: boolean; readonly deleted: number; readonly text: string }
  | { readonly kind: 'adminSetUser'; readonly ok: boolean; readonly text: string }
  /** `ok` false: some member did not answer in time; `users` is then what the others reported. */
  | { readonly kind: 'adminListUsers'; readonly ok: boolean; readonly users: readonly string[]; readonly text: string };
