// States <-> flat Int32 words, to pass states between worker threads. Structured-cloning the value object
// graphs would cost more and lose identity: strings and model values are interned objects compared by
// identity, so the receiver must re-intern them. Each encoded state stands alone (the main thread moves
// states between messages one by one): a string or model value is written as text at its first occurrence
// in the state and as a back-reference after that (record field names repeat in every record).
// Sets and function domains are written in their canonical order and read back without sorting; that is
// sound as long as every thread orders strings alike (see worker.ts: runtime-interned names).
import { TlaError, type State } from '../../api.js';
import { fcn, forceSet, mkSetSorted, modelValue, str, tuple, type Value } from '../../values/index.js';

const T_FALSE = 0;
const T_TRUE = 1;
const T_INT = 2;
const T_STR = 3;
const T_MV = 4;
const T_REF = 5;
const T_TUP = 6;
const T_FN = 7;
const T_SET = 8;

/** Appends encoded states (and value lists) to one growable buffer. */
export class StateWriter {
  private buf = new Int32Array(1 << 12);
  private len = 0;
  private readonly dict = new Map<object, number>();

  get length(): number {
    return this.len;
  }

  /** Appends the values as one self-contained unit; returns its start offset. */
  write(vals: readonly Value[]): number {
    const at = this.len;
    this.dict.clear();
    for (const v of vals) this.value(v);
    return at;
  }

  /** The words written so far (a copy: it can be transferred), and a reset. */
  take(): Int32Array {
    const out = this.buf.slice(0, this.len);
    this.len = 0;
    return out;
  }

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Int32Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }

  private push(w: number): void {
    if (this.len === this.buf.length) this.room(1);
    this.buf[this.len++] = w;
  }

  private value(v: Value): void {
    if (typeof v === 'boolean') return this.push(v ? T_TRUE : T_FALSE);
    if (typeof v === 'number') {
      this.room(2);
      this.buf[this.len++] = T_INT;
      this.buf[this.len++] = v;
      return;
    }
    switch (v.kind) {
      case 'str':
      case 'mv': {
        const ref = this.dict.get(v);
        if (ref !== undefined) {
          this.room(2);
          this.buf[this.len++] = T_REF;
          this.buf[this.len++] = ref;
          return;
        }
        this.dict.set(v, this.dict.size);
        const text = v.kind === 'str' ? v.s : v.name;
        this.room(2 + text.length);
        this.buf[this.len++] = v.kind === 'str' ? T_STR : T_MV;
        this.buf[this.len++] = text.length;
        for (let i = 0; i < text.length; i++) this.buf[this.len++] = text.charCodeAt(i);
        return;
      }
      case 'tup':
        this.room(2);
        this.buf[this.len++] = T_TUP;
        this.buf[this.len++] = v.elems.length;
        for (const e of v.elems) this.value(e);
        return;
      case 'fn':
        this.room(2);
        this.buf[this.len++] = T_FN;
        this.buf[this.len++] = v.dom.length;
        for (const e of v.dom) this.value(e);
        for (const e of v.rng) this.value(e);
        return;
      case 'set':
      case 'lazy': {
        // A lazy set travels as its enumeration: its fingerprint and equality are those of the enumeration.
        const elems = forceSet(v).elems;
        this.room(2);
        this.buf[this.len++] = T_SET;
        this.buf[this.len++] = elems.length;
        for (const e of elems) this.value(e);
        return;
      }
    }
  }
}

/** Reads units written by StateWriter. */
export class StateReader {
  private pos = 0;
  private dict: Value[] = [];

  constructor(private readonly words: Int32Array) {}

  /** Reads n values starting at offset `at`. */
  read(at: number, n: number): Value[] {
    this.pos = at;
    this.dict = [];
    const out: Value[] = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    return out;
  }

  private list(n: number): Value[] {
    const out: Value[] = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = this.value();
    return out;
  }

  private value(): Value {
    const w = this.words;
    const tag = w[this.pos++];
    switch (tag) {
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT:
        return w[this.pos++];
      case T_STR:
      case T_MV: {
        const n = w[this.pos++];
        let text = '';
        for (let i = 0; i < n; i++) text += String.fromCharCode(w[this.pos++]);
        const v = tag === T_STR ? str(text) : modelValue(text);
        this.dict.push(v);
        return v;
      }
      case T_REF:
        return this.dict[w[this.pos++]];
      case T_TUP:
        return tuple(this.list(w[this.pos++]));
      case T_FN: {
        const n = w[this.pos++];
        const dom = this.list(n);
        return fcn(dom, this.list(n));
      }
      case T_SET:
        return mkSetSorted(this.list(w[this.pos++]));
      default:
        throw new TlaError('eval', `internal: bad state encoding (tag ${tag} at word ${this.pos - 1})`);
    }
  }
}

/** Decodes one state of `nvars` variables. */
export function readState(words: Int32Array, at: number, nvars: number): State {
  return new StateReader(words).read(at, nvars);
}
