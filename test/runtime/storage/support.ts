// Helpers for the storage tests: temp data dirs, a canonical form of a HardState for comparison (persistent
// maps as sorted entry lists), a fast-check arbitrary of HardWrites of every kind, and a collecting logger.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyHardWrite, emptyHardState, type HardState, type HardWrite } from '../../../src/pure/hard-state.js';
import { PMap, type PKey } from '../../../src/pure/pmap.js';
import { entryKey, type LogEntry, type ReplicationWrite } from '../../../src/pure/replication/hard-state.js';
import { objectIdOf, type ObjectValue, type Versioned } from '../../../src/pure/replication/objects.js';
import type { Timestamp } from '../../../src/pure/replication/hlc.js';
import type { RuntimeLogger } from '../../../src/runtime/contracts.js';

export function tempDir(prefix = 'porcupine-storage-'): { readonly dir: string; readonly cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Plain data equal for equal states, whatever the maps' insertion history. */
export function canonical(v: unknown): unknown {
  if (v instanceof PMap) {
    return (v as PMap<unknown, PKey>)
      .entries()
      .map(([k, x]) => [k, canonical(x)] as const)
      .sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0));
  }
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = canonical(x);
    return out;
  }
  return v;
}

export function fold(writes: readonly HardWrite[], from: HardState = emptyHardState()): HardState {
  return writes.reduce(applyHardWrite, from);
}

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly obj: object;
  readonly msg: string;
}

export function collectingLogger(): RuntimeLogger & { readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

export function storeWrite(i: number, bodyBytes = 100): HardWrite {
  return { kind: 'storeMessage', user: `user${i % 7}`, msg: { msgId: `m${i}`, body: `${i}:`.padEnd(bodyBytes, 'x'), sizeBytes: bodyBytes } };
}

// Small pools so that deletes, drops and trusts hit what earlier writes stored.
const users = ['alice', 'bob', 'carol'];
const msgIds = ['m1', 'm2', 'm3', 'm4'];
const nodes = ['n1', 'n2', 'n3'];

const tsArb: fc.Arbitrary<Timestamp> = fc.record({ wallMs: fc.integer({ min: 1, max: 4 }), logical: fc.integer({ min: 0, max: 2 }), node: fc.constantFrom(...nodes) });
const valueArb: fc.Arbitrary<ObjectValue> = fc.oneof(
  fc.record({ kind: fc.constant('message' as const), user: fc.constantFrom(...users), msgId: fc.constantFrom(...msgIds), body: fc.string({ maxLength: 30 }), sizeBytes: fc.nat(100) }),
  fc.record({ kind: fc.constant('tombstone' as const), user: fc.constantFrom(...users), msgId: fc.constantFrom(...msgIds) }),
  fc.record({ kind: fc.constant('profile' as const), user: fc.constantFrom(...users), verifier: fc.string({ maxLength: 10 }) }),
);
const nodesArb = fc.subarray(nodes, { minLength: 1 });
const versionedArb: fc.Arbitrary<Versioned> = fc.record({ ts: tsArb, value: valueArb, replicas: nodesArb }).map((v) => ({ id: objectIdOf(v.value), ...v }));
const objectIdArb = valueArb.map(objectIdOf);

const replicationArb: fc.Arbitrary<ReplicationWrite> = fc.oneof(
  fc.record({ object: versionedArb, withEntry: fc.boolean(), remaining: nodesArb }).map(({ object, withEntry, remaining }): ReplicationWrite => {
    const entry: LogEntry = { ts: object.ts, objectId: object.id, targets: object.replicas, remaining };
    return withEntry ? { kind: 'replPut', object, entry } : { kind: 'replPut', object };
  }),
  fc.record({ objectId: objectIdArb, ts: tsArb }).map(({ objectId, ts }): ReplicationWrite => ({ kind: 'replLogDrop', key: entryKey(objectId, ts) })),
  fc.record({ objectId: objectIdArb, ts: tsArb }).map(({ objectId, ts }): ReplicationWrite => ({ kind: 'replObjectDrop', objectId, ts })),
  fc.nat(1000).map((atMs): ReplicationWrite => ({ kind: 'replAlive', atMs })),
  fc.array(objectIdArb, { maxLength: 3 }).map((objectIds): ReplicationWrite => ({ kind: 'replQuarantine', objectIds })),
  objectIdArb.map((objectId): ReplicationWrite => ({ kind: 'replTrust', objectId })),
);

/** Every HardWrite kind, with values from small pools (so later writes overwrite, delete and drop earlier ones). */
export const hardWriteArb: fc.Arbitrary<HardWrite> = fc.oneof(
  fc.nat(5).map((incarnation): HardWrite => ({ kind: 'incarnation', incarnation })),
  fc
    .record({ user: fc.constantFrom(...users), msgId: fc.constantFrom(...msgIds), body: fc.string({ maxLength: 40 }) })
    .map(({ user, msgId, body }): HardWrite => ({ kind: 'storeMessage', user, msg: { msgId, body, sizeBytes: body.length } })),
  fc.record({ user: fc.constantFrom(...users), msgIds: fc.subarray(msgIds) }).map(({ user, msgIds: ids }): HardWrite => ({ kind: 'deleteMessages', user, msgIds: ids })),
  fc.record({ user: fc.constantFrom(...users), verifier: fc.string({ maxLength: 10 }) }).map(({ user, verifier }): HardWrite => ({ kind: 'setProfile', user, profile: { verifier } })),
  fc.record({ count: fc.integer({ min: 1, max: 1000 }), verifier: fc.constantFrom('v1', 'v2') }).map(({ count, verifier }): HardWrite => ({ kind: 'provisionUsers', range: { prefix: 'user', count, verifier } })),
  { arbitrary: replicationArb.map((write): HardWrite => ({ kind: 'replication', write })), weight: 4 },
);
