// Benchmark: the hand-written persistent map (src/pure/pmap.ts) against a maintained one, Immutable.js's
// Map (a HAMT too), on the operations node state does (docs/decisions.md, "Why pmap.ts is hand-written").
// Each workload runs on both with the same keys; the figure is operations per second of CPU time, best of
// `--rounds` rounds (the machine is shared: the best round is the steadiest figure).
//   npm run bench:pmap   (or: npx tsc -p tsconfig.json && node dist/bench/pmap.js [--keys N] [--rounds R])
//   (--help: every flag with its default)
import { Map as IMap } from 'immutable';
import { mix32 } from '../src/pure/hash.js';
import { PMap } from '../src/pure/pmap.js';
import { benchFlags } from './flags.js';

const { values: flags } = benchFlags({
  name: 'bench:pmap',
  usage: ['npm run bench:pmap -- [options]', 'node dist/bench/pmap.js [options]   (after npx tsc -p tsconfig.json)'],
  description:
    "The hand-written persistent map (src/pure/pmap.ts) against Immutable.js's Map: build, get, update, iterate and\n" +
    'remove, operations per CPU second, best of --rounds rounds (the steadiest figure on a shared machine).',
  options: {
    keys: { type: 'number', default: 100_000, integer: true, min: 1, help: 'string keys per map' },
    rounds: { type: 'number', default: 5, integer: true, min: 1, placeholder: 'R', help: 'rounds per workload (the best is reported)' },
  },
});
const KEYS = flags.keys;
const ROUNDS = flags.rounds;

/** User-name-like keys, in a fixed pseudo-random order (no Math.random: reproducible). */
const keys = Array.from({ length: KEYS }, (_, i) => `user${mix32(i + 1) % (KEYS * 10)}-${i}`);
const probe = Array.from({ length: KEYS }, (_, i) => keys[mix32(i ^ 0x5bd1e995) % KEYS]);

interface Impl {
  readonly name: string;
  /** Build by KEYS persistent sets from empty; then KEYS gets; KEYS updates of present keys; iterate; delete half. */
  build(): unknown;
  get(m: unknown): number;
  update(m: unknown): unknown;
  iterate(m: unknown): number;
  remove(m: unknown): unknown;
}

const pmap: Impl = {
  name: 'PMap (src/pure/pmap.ts)',
  build() {
    let m = PMap.empty<number>();
    for (let i = 0; i < keys.length; i++) m = m.set(keys[i], i);
    return m;
  },
  get(m) {
    const p = m as PMap<number>;
    let s = 0;
    for (const k of probe) s += p.get(k) ?? 0;
    return s;
  },
  update(m) {
    let p = m as PMap<number>;
    for (const k of probe) p = p.update(k, (v) => (v ?? 0) + 1);
    return p;
  },
  iterate(m) {
    let s = 0;
    (m as PMap<number>).forEach((v) => (s += v));
    return s;
  },
  remove(m) {
    let p = m as PMap<number>;
    for (let i = 0; i < keys.length; i += 2) p = p.delete(keys[i]);
    return p;
  },
};

const immutable: Impl = {
  name: 'Immutable.js Map',
  build() {
    let m = IMap<string, number>();
    for (let i = 0; i < keys.length; i++) m = m.set(keys[i], i);
    return m;
  },
  get(m) {
    const p = m as IMap<string, number>;
    let s = 0;
    for (const k of probe) s += p.get(k) ?? 0;
    return s;
  },
  update(m) {
    let p = m as IMap<string, number>;
    for (const k of probe) p = p.update(k, (v) => (v ?? 0) + 1);
    return p;
  },
  iterate(m) {
    let s = 0;
    (m as IMap<string, number>).forEach((v) => void (s += v));
    return s;
  },
  remove(m) {
    let p = m as IMap<string, number>;
    for (let i = 0; i < keys.length; i += 2) p = p.delete(keys[i]);
    return p;
  },
};

function cpuMs(fn: () => unknown): number {
  const t = process.cpuUsage();
  fn();
  const d = process.cpuUsage(t);
  return (d.user + d.system) / 1000;
}

type Op = 'build' | 'get' | 'update' | 'iterate' | 'remove';
const OPS: readonly Op[] = ['build', 'get', 'update', 'iterate', 'remove'];
const opsPerRun: Record<Op, number> = { build: KEYS, get: KEYS, update: KEYS, iterate: KEYS, remove: Math.ceil(KEYS / 2) };

function measure(impl: Impl): Record<Op, number> {
  const best: Record<Op, number> = { build: Infinity, get: Infinity, update: Infinity, iterate: Infinity, remove: Infinity };
  for (let r = 0; r < ROUNDS; r++) {
    let m: unknown;
    best.build = Math.min(best.build, cpuMs(() => (m = impl.build())));
    best.get = Math.min(best.get, cpuMs(() => impl.get(m)));
    best.update = Math.min(best.update, cpuMs(() => impl.update(m)));
    best.iterate = Math.min(best.iterate, cpuMs(() => impl.iterate(m)));
    best.remove = Math.min(best.remove, cpuMs(() => impl.remove(m)));
  }
  return best;
}

// Same results from both (the bench compares equal work).
const a = pmap.build();
const b = immutable.build();
if (pmap.get(a) !== immutable.get(b) || pmap.iterate(pmap.update(a)) !== immutable.iterate(immutable.update(b))) throw new Error('the two maps disagree');

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US').padStart(12);
console.log(`pmap bench: ${KEYS.toLocaleString('en-US')} string keys, best of ${ROUNDS} rounds, operations per CPU second`);
console.log(`${'operation'.padEnd(10)}${'PMap'.padStart(12)}${'Immutable'.padStart(12)}   ratio`);
const ours = measure(pmap);
const theirs = measure(immutable);
for (const op of OPS) {
  const x = (opsPerRun[op] / ours[op]) * 1000;
  const y = (opsPerRun[op] / theirs[op]) * 1000;
  console.log(`${op.padEnd(10)}${fmt(x)}${fmt(y)}   ${(x / y).toFixed(2)}x`);
}
