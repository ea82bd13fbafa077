// The simulator's agenda: events keyed by ready time, ties broken by insertion sequence so a run is a pure
// function of its seed. A binary heap over parallel arrays (no per-entry allocation) plus a FIFO fast path:
// with zero-cost timing almost every event is scheduled for "now", and those need no heap at all.
// Every FIFO entry is due at `now`; the heap may still hold older entries due at `now` too, so `pop`
// compares the heads of both by (time, seq).

export class EventQueue<T> {
  private now = 0;
  private seq = 0;
  // heap, as parallel arrays
  private readonly ht: number[] = [];
  private readonly hs: number[] = [];
  private readonly hv: T[] = [];
  // FIFO of events due exactly at `now`
  private fs: number[] = [];
  private fv: T[] = [];
  private fHead = 0;

  /** Virtual time of the last event popped (ms). */
  get time(): number {
    return this.now;
  }

  get size(): number {
    return this.ht.length + (this.fs.length - this.fHead);
  }

  /** Schedule `value` at virtual time `t` (never before now: time does not run backwards). */
  push(t: number, value: T): void {
    const seq = this.seq++;
    if (t <= this.now) {
      this.fs.push(seq);
      this.fv.push(value);
      return;
    }
    this.heapPush(t, seq, value);
  }

  /** The ready time of the next event, or Infinity when empty. */
  peekTime(): number {
    if (this.fHead < this.fs.length) return this.now;
    return this.ht.length > 0 ? this.ht[0] : Infinity;
  }

  /** Remove and return the earliest event (by time, then insertion order); undefined when empty. */
  pop(): T | undefined {
    const fifoHas = this.fHead < this.fs.length;
    if (fifoHas && (this.ht.length === 0 || this.ht[0] > this.now || this.hs[0] > this.fs[this.fHead])) {
      const v = this.fv[this.fHead];
      this.fv[this.fHead] = undefined as T; // let the GC have it
      this.fHead++;
      if (this.fHead === this.fs.length) this.resetFifo();
      return v;
    }
    if (this.ht.length === 0) return undefined;
    const t = this.ht[0];
    const v = this.heapPop();
    if (t > this.now) {
      // Time advances; the FIFO is empty here because its entries (due at the old now) sort first.
      this.now = t;
    }
    return v;
  }

  private resetFifo(): void {
    this.fs = [];
    this.fv = [];
    this.fHead = 0;
  }

  private heapPush(t: number, seq: number, value: T): void {
    const { ht, hs, hv } = this;
    let i = ht.length;
    ht.push(t);
    hs.push(seq);
    hv.push(value);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ht[p] < t || (ht[p] === t && hs[p] < seq)) break;
      ht[i] = ht[p];
      hs[i] = hs[p];
      hv[i] = hv[p];
      i = p;
    }
    ht[i] = t;
    hs[i] = seq;
    hv[i] = value;
  }

  private heapPop(): T {
    const { ht, hs, hv } = this;
    const top = hv[0];
    const lastT = ht.pop() as number;
    const lastS = hs.pop() as number;
    const lastV = hv.pop() as T;
    const n = ht.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && (ht[r] < ht[l] || (ht[r] === ht[l] && hs[r] < hs[l]))) c = r;
      if (lastT < ht[c] || (lastT === ht[c] && lastS < hs[c])) break;
      ht[i] = ht[c];
      hs[i] = hs[c];
      hv[i] = hv[c];
      i = c;
    }
    ht[i] = lastT;
    hs[i] = lastS;
    hv[i] = lastV;
    return top;
  }
}
