// The checker's memory limit: a run that outgrows memory stops with a message naming the state count reached
// instead of crashing (V8's "heap out of memory" abort, an ArrayBuffer allocation failure or the kernel's OOM
// killer would lose the counts). Memory counted = the JS heap in use + memory outside the heap (the seen set's
// typed arrays and other ArrayBuffers: V8's external memory). Two limits:
// - the run's limit (`--max-memory MB`; default DEFAULT_FRACTION of the machine's memory, or of the cgroup's
//   when smaller);
// - the JS heap's own hard limit (V8's heap_size_limit, `--max-old-space-size`): past HEAP_FRACTION of it V8
//   would abort whatever the run's limit says.
// Heap figures include garbage not yet collected, so when a limit looks exceeded the guard first forces a full
// collection (when the runtime lets it, see forceGc) and decides on the live size.
import { freemem, totalmem } from 'node:os';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const DEFAULT_FRACTION = 0.75;
const HEAP_FRACTION = 0.9;
const MB = 2 ** 20;

/** The machine's memory as this process may use it: physical memory, or the cgroup limit when smaller. */
export function machineMemory(): number {
  // process.constrainedMemory (Node >= 19.6): the cgroup limit, or a huge number / 0 / undefined when none.
  const c = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory?.();
  const total = totalmem();
  return c !== undefined && c > 0 && c < total ? c : total;
}

/** The default `--max-memory`, in bytes. */
export function defaultMaxMemory(): number {
  return Math.floor(machineMemory() * DEFAULT_FRACTION);
}

export interface MemoryUse {
  readonly heap: number;
  readonly offHeap: number;
  readonly heapLimit: number;
}

export function memoryUse(): MemoryUse {
  const h = getHeapStatistics();
  return { heap: h.used_heap_size, offHeap: h.external_memory, heapLimit: h.heap_size_limit };
}

let gcFn: (() => void) | null | undefined;

/**
 * A full garbage collection, or false when the runtime does not offer one. `global.gc` exists under
 * `--expose-gc`; otherwise the flag is set at run time and `gc` read from a fresh context (V8 installs it in
 * contexts created after the flag is set).
 */
function forceGc(): boolean {
  if (gcFn === undefined) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      try {
        setFlagsFromString('--expose-gc');
        const f: unknown = runInNewContext('typeof gc === "function" ? gc : null');
        gcFn = typeof f === 'function' ? (f as () => void) : null;
      } catch {
        gcFn = null;
      }
    }
  }
  if (gcFn === null) return false;
  gcFn();
  return true;
}

export class MemoryGuard {
  /** Peak of heap + off-heap seen by check(), in bytes (live sizes after a forced collection count too). */
  peak = 0;

  constructor(readonly maxBytes: number = defaultMaxMemory()) {}

  /** Undefined while within both limits; otherwise what is exceeded, for the stop message. */
  check(): string | undefined {
    let u = memoryUse();
    if (!this.over(u)) return this.note(u);
    if (forceGc()) {
      u = memoryUse();
      if (!this.over(u)) return this.note(u);
    }
    this.note(u);
    const mb = (n: number): number => Math.round(n / MB);
    const used = `It uses ${mb(u.heap + u.offHeap)} MB (${mb(u.heap)} MB JS heap, ${mb(u.offHeap)} MB outside it)`;
    if (u.heap >= u.heapLimit * HEAP_FRACTION) {
      return `${used}; the JS heap is near its own ${mb(u.heapLimit)} MB limit (raise it with NODE_OPTIONS=--max-old-space-size=MB)`;
    }
    return `${used} of its ${mb(this.maxBytes)} MB limit (raise it with --max-memory MB; ${mb(freemem())} MB of the machine's memory is free)`;
  }

  private over(u: MemoryUse): boolean {
    return u.heap + u.offHeap > this.maxBytes || u.heap >= u.heapLimit * HEAP_FRACTION;
  }

  private note(u: MemoryUse): undefined {
    this.peak = Math.max(this.peak, u.heap + u.offHeap);
    return undefined;
  }
}

/** An ArrayBuffer or typed array that could not be allocated (the seen set growing past what the machine gives). */
export function isAllocationFailure(e: unknown): boolean {
  return e instanceof RangeError && /allocation failed|Invalid typed array length|Array buffer/i.test(e.message);
}
