// Last writer wins (PORCUPINE.md "Replication": newest timestamp wins; total update, so the newer version
// simply replaces the older). The comparison is the whole of the conflict resolution: replicas that have
// seen the same set of updates hold the same version, whatever order the updates arrived in.
import { compareTimestamp } from './hlc.js';
import type { Versioned } from './objects.js';

export type LwwOutcome =
  /** The update is newer than what we hold (or we hold nothing): it replaces it. */
  | { readonly kind: 'applied'; readonly next: Versioned; readonly previous: Versioned | undefined }
  /** We already hold exactly this update (a retry or duplicate push). */
  | { readonly kind: 'duplicate' }
  /** We hold a newer version: the update is obsolete and must not be applied. */
  | { readonly kind: 'stale' };

export function applyIfNewer(current: Versioned | undefined, update: Versioned): LwwOutcome {
  if (current === undefined) return { kind: 'applied', next: update, previous: undefined };
  const c = compareTimestamp(update.ts, current.ts);
  if (c > 0) return { kind: 'applied', next: update, previous: current };
  return c === 0 ? { kind: 'duplicate' } : { kind: 'stale' };
}
