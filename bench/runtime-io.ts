// Benchmark of the runtime's storage and transport on this machine (issue 8), not a test:
//   - storage: durable appends per second of 4.7 KB storeMessage writes with 1, 8, 64 and 256 appends in
//     flight (group commit: one fdatasync per batch), the mean batch and fdatasync latency percentiles;
//     then the time to open (recover) a log of that many writes, and to write and read back a snapshot;
//   - transport: authenticated frames per second between two transports on 127.0.0.1/127.0.0.2 in this one
//     process (sender and receiver share the CPU), for small and 4.7 KB messages.
// The data dirs are made under the OS temp dir (its file system decides the fsync cost) unless --dir DIR.
//   npm run bench:io   (or: npx tsc -p tsconfig.json && node dist/bench/runtime-io.js [--writes N] [--frames N] [--dir DIR])
//   (--help: every flag with its default)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HardWrite } from '../src/pure/hard-state.js';
import type { Message } from '../src/pure/io.js';
import { openStorage } from '../src/runtime/storage/index.js';
import { startTransport } from '../src/runtime/transport/index.js';
import { benchFlags } from './flags.js';

const { values: flags } = benchFlags({
  name: 'bench:io',
  usage: ['npm run bench:io -- [options]', 'node dist/bench/runtime-io.js [options]   (after npx tsc -p tsconfig.json)'],
  description:
    "The runtime's storage (durable 4.7 KB appends per second with 1, 8, 64 and 256 in flight, group-commit batches,\n" +
    'fdatasync latency, recovery and snapshot times) and transport (authenticated frames per second between two\n' +
    'transports on 127.0.0.1/127.0.0.2 in this process).',
  options: {
    writes: { type: 'number', default: 20_000, integer: true, min: 1, help: 'durable appends per in-flight level (at most 2,000 with 1 in flight), and in the log recovered' },
    frames: { type: 'number', default: 50_000, integer: true, min: 1, help: 'frames sent per message size' },
    dir: { type: 'string', placeholder: 'DIR', defaultText: 'the OS temp dir', help: 'where the data dirs are made (its file system decides the fsync cost)' },
  },
});
const writes = flags.writes;
const frames = flags.frames;
const root = mkdtempSync(join(flags.dir ?? tmpdir(), 'porcupine-bench-io-'));
const body = 'x'.repeat(4700);

function write(i: number): HardWrite {
  return { kind: 'storeMessage', user: `user${i % 1000}`, msg: { msgId: `m${i}`, body, sizeBytes: body.length } };
}

function pct(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function storageRun(inFlight: number): Promise<string> {
  const dir = join(root, `storage-${inFlight}`);
  const s = await openStorage(dir);
  const fsyncMs: number[] = [];
  s.onFsync = (ms) => fsyncMs.push(ms);
  const n = inFlight === 1 ? Math.min(writes, 2000) : writes;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) await s.append(write(next++));
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await s.close();
  fsyncMs.sort((a, b) => a - b);
  return `  ${String(inFlight).padStart(3)} in flight: ${Math.round(n / secs).toLocaleString('en-US').padStart(7)} writes/s, ${fsyncMs.length} fdatasyncs (mean batch ${(n / fsyncMs.length).toFixed(1)}), fdatasync p50 ${pct(fsyncMs, 0.5).toFixed(2)} ms p99 ${pct(fsyncMs, 0.99).toFixed(2)} ms`;
}

async function recoveryAndSnapshot(): Promise<string[]> {
  // A log of `writes` writes and no snapshot (threshold out of reach), written with 256 in flight.
  const dir = join(root, 'recovery');
  const w = await openStorage(dir, { snapshotEveryBytes: 2 ** 40 });
  let next = 0;
  await Promise.all(Array.from({ length: 256 }, async () => { while (next < writes) await w.append(write(next++)); }));
  await w.close();
  let t0 = performance.now();
  const s = await openStorage(dir, { snapshotEveryBytes: 1 });
  const openMs = performance.now() - t0;
  t0 = performance.now();
  await s.append({ kind: 'incarnation', incarnation: 1 }); // due at once: snapshots every write before it
  await s.idle();
  const snapMs = performance.now() - t0;
  const snapshots = s.stats().snapshots;
  await s.close();
  if (snapshots !== 1) throw new Error(`expected one snapshot, got ${snapshots}`);
  t0 = performance.now();
  const r = await openStorage(dir);
  const reopenMs = performance.now() - t0;
  await r.close();
  return [
    `  open replaying a log of ${writes.toLocaleString('en-US')} writes: ${openMs.toFixed(0)} ms`,
    `  snapshot of that state (fold, encode, write, fsync, rename), in the background: ${snapMs.toFixed(0)} ms; open from the snapshot: ${reopenMs.toFixed(0)} ms`,
  ];
}

async function transportRun(size: number): Promise<string> {
  let got = 0;
  const a = await startTransport({ self: 'a', listen: { host: '127.0.0.1', port: 0 }, peers: new Map(), secret: 'bench', onMessage: () => undefined });
  const b = await startTransport({ self: 'b', listen: { host: '127.0.0.2', port: 0 }, peers: new Map([['a', a.address]]), secret: 'bench', onMessage: () => void got++ });
  a.setPeers(new Map([['b', b.address]]));
  const msg: Message = { kind: 'storeMsg', rid: 1, user: 'u', msg: { msgId: 'm', body: 'x'.repeat(size), sizeBytes: size } };
  const t0 = performance.now();
  for (let i = 0; i < frames; i++) {
    a.send('b', msg);
    // Keep the queue short of its limit: this measures throughput, not drops.
    if (i % 1000 === 999) while (a.stats().queuedFrames > 2000) await new Promise((r) => setImmediate(r));
  }
  while (got + a.stats().droppedQueueFull < frames) await new Promise((r) => setImmediate(r));
  const secs = (performance.now() - t0) / 1000;
  const dropped = a.stats().droppedQueueFull;
  await a.close();
  await b.close();
  return `  ${String(size).padStart(5)} B bodies: ${Math.round(got / secs).toLocaleString('en-US').padStart(7)} frames/s (${((got * size) / secs / 1e6).toFixed(1)} MB/s of bodies), dropped ${dropped}`;
}

async function main(): Promise<void> {
  console.log(`storage: ${writes.toLocaleString('en-US')} appends of 4.7 KB storeMessage writes under ${root}`);
  for (const inFlight of [1, 8, 64, 256]) console.log(await storageRun(inFlight));
  for (const line of await recoveryAndSnapshot()) console.log(line);
  console.log(`transport: ${frames.toLocaleString('en-US')} HMAC-authenticated frames, 127.0.0.1 → 127.0.0.2, sender and receiver in one process`);
  for (const size of [100, 4700]) console.log(await transportRun(size));
}

main()
  .finally(() => rmSync(root, { recursive: true, force: true }))
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
