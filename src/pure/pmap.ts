// A persistent (immutable, path-copying) hash map keyed by string or number: a 32-way hash array mapped trie (HAMT,
// Bagwell 2001). WHY: node state is immutable (DESIGN.md §3) but the benchmark runs 30 nodes and millions
// of users at tens of thousands of deliveries per second, so copying a Map per update is impossible. An
// update here copies one path of at most 7 small arrays; untouched subtrees are shared between versions.
// Nodes are never mutated after construction, so deep-freezing a state that holds a PMap is harmless.
import { fnv1a32, mix32 } from './hash.js';

/** Keys are strings or numbers; 5 and "5" are different keys (compared with ===). */
export type PKey = string | number;

function hashKey(k: PKey): number {
  // Numbers (request and persist ids, up to 2^53) hash by mixing their low and high 32-bit halves.
  return typeof k === 'string' ? fnv1a32(k) : mix32((k | 0) ^ Math.floor(k / 4294967296));
}

const BITS = 5;
const MASK = 31;

interface Leaf<V> {
  readonly t: 0;
  readonly h: number;
  readonly k: PKey;
  readonly v: V;
}
interface Branch<V> {
  readonly t: 1;
  readonly bm: number;
  readonly c: readonly HNode<V>[];
}
/** Keys whose 32-bit hashes are equal (rare): kept in parallel arrays. */
interface Collision<V> {
  readonly t: 2;
  readonly h: number;
  readonly ks: readonly PKey[];
  readonly vs: readonly V[];
}
type HNode<V> = Leaf<V> | Branch<V> | Collision<V>;

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function leaf<V>(h: number, k: PKey, v: V): Leaf<V> {
  return { t: 0, h, k, v };
}

function lookup<V>(root: HNode<V> | undefined, h: number, k: PKey): V | undefined {
  let node = root;
  let shift = 0;
  while (node !== undefined) {
    if (node.t === 0) return node.k === k ? node.v : undefined;
    if (node.t === 2) {
      if (node.h !== h) return undefined;
      const i = node.ks.indexOf(k);
      return i < 0 ? undefined : node.vs[i];
    }
    const bit = 1 << ((h >>> shift) & MASK);
    if ((node.bm & bit) === 0) return undefined;
    node = node.c[popcount(node.bm & (bit - 1))];
    shift += BITS;
  }
  return undefined;
}

/** Two nodes with different hashes under one new branch at `shift`. */
function merge<V>(a: HNode<V>, ha: number, b: Leaf<V>, shift: number): Branch<V> {
  const ia = (ha >>> shift) & MASK;
  const ib = (b.h >>> shift) & MASK;
  if (ia === ib) return { t: 1, bm: 1 << ia, c: [merge(a, ha, b, shift + BITS)] };
  return { t: 1, bm: (1 << ia) | (1 << ib), c: ia < ib ? [a, b] : [b, a] };
}

/**
 * A copy of `a` with `x` inserted at `i` / with index `i` removed. WHY not slice + splice: the copy is then
 * allocated at its final length at once (splice on a fresh slice reallocates it); every new key passes here.
 */
function withInserted<T>(a: readonly T[], i: number, x: T): T[] {
  const out = new Array<T>(a.length + 1);
  for (let j = 0; j < i; j++) out[j] = a[j];
  out[i] = x;
  for (let j = i; j < a.length; j++) out[j + 1] = a[j];
  return out;
}

function withRemoved<T>(a: readonly T[], i: number): T[] {
  const out = new Array<T>(a.length - 1);
  for (let j = 0; j < i; j++) out[j] = a[j];
  for (let j = i + 1; j < a.length; j++) out[j - 1] = a[j];
  return out;
}

/** Set by `insert` when the key was not present before (avoids allocating a result pair). */
let added = false;

function insert<V>(node: HNode<V>, h: number, k: PKey, v: V, shift: number): HNode<V> {
  if (node.t === 0) {
    if (node.k === k) return node.v === v ? node : leaf(h, k, v);
    added = true;
    if (node.h === h) return { t: 2, h, ks: [node.k, k], vs: [node.v, v] };
    return merge(node, node.h, leaf(h, k, v), shift);
  }
  if (node.t === 2) {
    if (node.h !== h) {
      added = true;
      return merge(node, node.h, leaf(h, k, v), shift);
    }
    const i = node.ks.indexOf(k);
    if (i >= 0) {
      if (node.vs[i] === v) return node;
      const vs = node.vs.slice();
      vs[i] = v;
      return { t: 2, h, ks: node.ks, vs };
    }
    added = true;
    return { t: 2, h, ks: [...node.ks, k], vs: [...node.vs, v] };
  }
  const bit = 1 << ((h >>> shift) & MASK);
  const idx = popcount(node.bm & (bit - 1));
  if ((node.bm & bit) === 0) {
    added = true;
    return { t: 1, bm: node.bm | bit, c: withInserted(node.c, idx, leaf(h, k, v)) };
  }
  const child = node.c[idx];
  const next = insert(child, h, k, v, shift + BITS);
  if (next === child) return node;
  const c = node.c.slice();
  c[idx] = next;
  return { t: 1, bm: node.bm, c };
}

function remove<V>(node: HNode<V>, h: number, k: PKey, shift: number): HNode<V> | undefined {
  if (node.t === 0) return node.k === k ? undefined : node;
  if (node.t === 2) {
    const i = node.h === h ? node.ks.indexOf(k) : -1;
    if (i < 0) return node;
    if (node.ks.length === 2) return leaf(h, node.ks[1 - i], node.vs[1 - i]);
    return { t: 2, h, ks: node.ks.filter((_, j) => j !== i), vs: node.vs.filter((_, j) => j !== i) };
  }
  const bit = 1 << ((h >>> shift) & MASK);
  if ((node.bm & bit) === 0) return node;
  const idx = popcount(node.bm & (bit - 1));
  const child = node.c[idx];
  const next = remove(child, h, k, shift + BITS);
  if (next === child) return node;
  if (next === undefined) {
    if (node.c.length === 1) return undefined;
    // A lone leaf or collision may move up: lookups compare the full key at a leaf, at any depth.
    if (node.c.length === 2 && node.c[1 - idx].t !== 1) return node.c[1 - idx];
    return { t: 1, bm: node.bm & ~bit, c: withRemoved(node.c, idx) };
  }
  if (node.c.length === 1 && next.t !== 1) return next;
  const c = node.c.slice();
  c[idx] = next;
  return { t: 1, bm: node.bm, c };
}

function each<V>(node: HNode<V> | undefined, fn: (v: V, k: PKey) => void): void {
  if (node === undefined) return;
  if (node.t === 0) fn(node.v, node.k);
  else if (node.t === 2) for (let i = 0; i < node.ks.length; i++) fn(node.vs[i], node.ks[i]);
  else for (const c of node.c) each(c, fn);
}

/** An immutable map keyed by strings or numbers; every "update" returns a new map sharing structure with the old one. */
export class PMap<V, K extends PKey = string> {
  private constructor(
    private readonly root: HNode<V> | undefined,
    readonly size: number,
  ) {}

  private static readonly EMPTY = new PMap<never, never>(undefined, 0);

  static empty<V, K extends PKey = string>(): PMap<V, K> {
    return PMap.EMPTY as unknown as PMap<V, K>;
  }

  static of<V, K extends PKey = string>(entries: Iterable<readonly [K, V]>): PMap<V, K> {
    let m = PMap.empty<V, K>();
    for (const [k, v] of entries) m = m.set(k, v);
    return m;
  }

  get(key: K): V | undefined {
    return lookup(this.root, hashKey(key), key);
  }

  has(key: K): boolean {
    // A stored `undefined` is not allowed (see set), so get() tells presence.
    return this.get(key) !== undefined;
  }

  /** Values must not be `undefined` (use delete); `undefined` would be indistinguishable from absence. */
  set(key: K, value: V): PMap<V, K> {
    const h = hashKey(key);
    if (this.root === undefined) return new PMap(leaf(h, key, value), 1);
    added = false;
    const root = insert(this.root, h, key, value, 0);
    if (root === this.root) return this;
    return new PMap(root, added ? this.size + 1 : this.size);
  }

  delete(key: K): PMap<V, K> {
    if (this.root === undefined) return this;
    const root = remove(this.root, hashKey(key), key, 0);
    if (root === this.root) return this;
    return root === undefined ? PMap.empty<V, K>() : new PMap(root, this.size - 1);
  }

  /** `fn` gets the current value (or undefined); returning undefined deletes the key. */
  update(key: K, fn: (old: V | undefined) => V | undefined): PMap<V, K> {
    const next = fn(this.get(key));
    return next === undefined ? this.delete(key) : this.set(key, next);
  }

  /** Visits every entry in an order fixed by the keys' hashes (deterministic, not sorted). */
  forEach(fn: (value: V, key: K) => void): void {
    each(this.root, fn as (v: V, k: PKey) => void);
  }

  entries(): [K, V][] {
    const out: [K, V][] = [];
    each(this.root, (v, k) => out.push([k as K, v]));
    return out;
  }

  keys(): K[] {
    const out: K[] = [];
    each(this.root, (_v, k) => out.push(k as K));
    return out;
  }

  /** Entries sorted by key (code-unit order): for digests and describe renderings, never the hot path. */
  sortedEntries(): [K, V][] {
    return this.entries().sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}
