// Timer keys of the replication manager. Per-update timers carry the entry key, so a retry or takeover
// that fires after its update retired finds nothing to do (a stale timer is harmless).
import type { TimerKey } from '../io.js';

export const gcTimer = 'repl:gc';
export const aliveTimer = 'repl:alive';
export const reconcileTimer = 'repl:reconcile';
const pushPrefix = 'repl:push:';
const takeoverPrefix = 'repl:takeover:';

export function pushTimer(key: string): TimerKey {
  return pushPrefix + key;
}

export function takeoverTimer(key: string): TimerKey {
  return takeoverPrefix + key;
}

export type ReplicationTimer =
  | { readonly kind: 'gc' }
  | { readonly kind: 'alive' }
  | { readonly kind: 'reconcile' }
  | { readonly kind: 'push'; readonly key: string }
  | { readonly kind: 'takeover'; readonly key: string };

/** Undefined: not a replication timer (the node routes it elsewhere). */
export function parseReplicationTimer(timer: TimerKey): ReplicationTimer | undefined {
  if (timer === gcTimer) return { kind: 'gc' };
  if (timer === aliveTimer) return { kind: 'alive' };
  if (timer === reconcileTimer) return { kind: 'reconcile' };
  if (timer.startsWith(pushPrefix)) return { kind: 'push', key: timer.slice(pushPrefix.length) };
  if (timer.startsWith(takeoverPrefix)) return { kind: 'takeover', key: timer.slice(takeoverPrefix.length) };
  return undefined;
}

export function isReplicationTimer(timer: TimerKey): boolean {
  return timer.startsWith('repl:');
}

/** Capped exponential backoff for re-pushes to silent replicas. */
export function pushBackoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
}
