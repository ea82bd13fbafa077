// A snapshot of a folded HardState as a stream of records (docs/runtime-storage.md "Compaction").
//
// WHY a generic structural codec rather than re-deriving a minimal list of HardWrites: the replicated views
// (replication/views.ts) depend on the order writes arrived in (a dropped tombstone hides nothing, a
// quarantined replica is hidden from `fragments` but still held), so no short write list reproduces every
// reachable HardState. The state itself is plain data — objects, arrays, strings, numbers, booleans — and
// persistent maps (PMap); the codec writes exactly that, so the next boot folds the log onto the very same
// state. Anything else (a class the codec does not know) throws at snapshot time, loudly, instead of being
// written wrong.
//
// Streaming: every PMap entry is one record, children before their map (post-order), and the root last.
// So no single JSON string holds the whole state (V8 strings stop at ~512 MB), and a snapshot without its
// root record is incomplete.
import { PMap, type PKey } from '../../pure/pmap.js';
import { RecordType } from './records.js';

/** Encoded values: plain JSON where `{ $m: id }` is a reference to PMap `id` and `{ $o: {...} }` escapes an object whose keys start with `$`. */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface SnapshotRecord {
  readonly type: RecordType;
  readonly payload: string;
}

/** Yields the records of a snapshot of `state`; a generator so the writer can pause between records. */
export function* encodeSnapshot(state: unknown): Generator<SnapshotRecord, void, undefined> {
  let nextMap = 0;
  // An explicit stack would avoid recursion, but the state is shallow (HardState → maps → maps → values).
  function* enc(v: unknown, out: { value: Json }): Generator<SnapshotRecord, void, undefined> {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') {
      out.value = v;
      return;
    }
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new Error(`snapshot: non-finite number ${v}`);
      out.value = v;
      return;
    }
    if (v instanceof PMap) {
      const id = nextMap++;
      for (const [k, val] of (v as PMap<unknown, PKey>).entries()) {
        const slot = { value: null as Json };
        yield* enc(val, slot);
        yield { type: RecordType.mapEntry, payload: JSON.stringify([id, k, slot.value]) };
      }
      out.value = { $m: id };
      return;
    }
    if (Array.isArray(v)) {
      const arr: Json[] = [];
      for (const item of v) {
        const slot = { value: null as Json };
        yield* enc(item, slot);
        arr.push(slot.value);
      }
      out.value = arr;
      return;
    }
    if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
      const obj: { [k: string]: Json } = {};
      let escaped = false;
      for (const [k, val] of Object.entries(v)) {
        if (val === undefined) continue; // as JSON.stringify does for the write log
        if (k.startsWith('$')) escaped = true;
        const slot = { value: null as Json };
        yield* enc(val, slot);
        obj[k] = slot.value;
      }
      out.value = escaped ? { $o: obj } : obj;
      return;
    }
    throw new Error(`snapshot: cannot encode a ${typeof v === 'object' ? (Object.getPrototypeOf(v)?.constructor?.name ?? 'object') : typeof v}`);
  }
  const root = { value: null as Json };
  yield* enc(state, root);
  yield { type: RecordType.root, payload: JSON.stringify(root.value) };
}

/** Rebuilds a snapshot from its records, in file order. `take` returns false after the root record. */
export class SnapshotDecoder {
  private readonly maps = new Map<number, [PKey, unknown][]>();
  private rootValue: unknown;
  private done = false;

  get complete(): boolean {
    return this.done;
  }

  get root(): unknown {
    if (!this.done) throw new Error('snapshot: no root record');
    return this.rootValue;
  }

  /** Throws on a record that does not fit the snapshot's structure. */
  take(type: RecordType, payload: string): void {
    if (this.done) throw new Error('snapshot: record after the root record');
    if (type === RecordType.mapEntry) {
      const entry: unknown = JSON.parse(payload);
      if (!Array.isArray(entry) || entry.length !== 3 || typeof entry[0] !== 'number' || (typeof entry[1] !== 'string' && typeof entry[1] !== 'number')) {
        throw new Error('snapshot: malformed map entry');
      }
      let list = this.maps.get(entry[0]);
      if (list === undefined) this.maps.set(entry[0], (list = []));
      list.push([entry[1], this.dec(entry[2])]);
      return;
    }
    if (type === RecordType.root) {
      this.rootValue = this.dec(JSON.parse(payload));
      this.done = true;
      return;
    }
    throw new Error(`snapshot: unexpected record type ${type}`);
  }

  private dec(v: unknown): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map((x) => this.dec(x));
    const o = v as Record<string, unknown>;
    if (typeof o.$m === 'number' && Object.keys(o).length === 1) {
      const entries = this.maps.get(o.$m) ?? [];
      this.maps.delete(o.$m); // each map is referenced once; frees the entry list
      return PMap.of<unknown, PKey>(entries);
    }
    const src = (Object.keys(o).length === 1 && typeof o.$o === 'object' && o.$o !== null ? o.$o : o) as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(src)) out[k] = this.dec(val);
    return out;
  }
}
