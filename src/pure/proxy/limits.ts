// Limits of the SMTP and POP proxies (STYLE.md habit 4: units last).
import { assert } from '../assert.js';

/** Every RPC a proxy makes gets an answer or a timeout after this long: no client request waits forever. */
export const rpcTimeoutMs = 5_000;

/**
 * Period of the sweep that times out overdue RPCs. One periodic timer per node instead of one timer per
 * RPC: it saves two effects per RPC on the hot path and keeps the simulator's timer queue small. A call
 * therefore times out between rpcTimeoutMs and rpcTimeoutMs + rpcSweepIntervalMs after it was sent.
 */
export const rpcSweepIntervalMs = 1_000;

/**
 * How long an RCPT lookup's answer may stand in for DATA's own lookup (delivery.ts). Longer than a client
 * takes between RCPT and DATA on a healthy connection; an older answer is looked up again.
 */
export const rcptAnswerFreshMs = 5_000;

/** Recipients per SMTP transaction (RFC 5321 §4.5.3.1.8 asks servers to accept at least 100). */
export const recipientsMax = 100;

/** Messages one POP maildrop shows (a huge mailbox is listed in part; RFC 1939 leaves this to the server). */
export const maildropMessagesMax = 100_000;

// A sweep slower than the timeout would let calls wait about twice as long as promised.
assert(rpcSweepIntervalMs > 0 && rpcSweepIntervalMs <= rpcTimeoutMs, 'rpcSweepIntervalMs must be in (0, rpcTimeoutMs]');
