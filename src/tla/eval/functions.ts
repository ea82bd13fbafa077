// Function application and EXCEPT updates.
import { TlaError } from '../api.js';
import { type Value, tuple, indexOfSorted, printValue } from '../values/index.js';
import type { ExceptPath, IR } from './ir.js';
import { type Ctx, type Env, push } from './env.js';
import { ev } from './eval.js';

function fail(ir: IR, msg: string): never {
  const l = ir.loc;
  throw new TlaError('eval', `${msg}\nline ${l.line}, col ${l.col} to line ${l.endLine}, col ${l.endCol} of module ${l.module}`, l);
}

export function applyFn(f: Value, arg: Value, ir: IR): Value {
  if (typeof f === 'object') {
    if (f.kind === 'tup') {
      if (typeof arg === 'number' && arg >= 1 && arg <= f.elems.length) return f.elems[arg - 1];
      return fail(ir, `Attempted to apply tuple\n${printValue(f)}\nto integer ${printValue(arg)} which is out of domain.`);
    }
    if (f.kind === 'fn') {
      const i = indexOfSorted(f.dom, arg);
      if (i >= 0) return f.rng[i];
      return fail(ir, `Attempted to apply function:\n${printValue(f)}\nto argument ${printValue(arg)}, which is not in the domain of the function.`);
    }
  }
  return fail(ir, `A non-function (${printValue(f)}) was applied as a function.`);
}

/** `[f EXCEPT !p1!p2... = val]`, with `@` bound to the old value at the path. */
export function exceptUpdate(f: Value, path: ExceptPath, i: number, val: IR, env: Env, cx: Ctx, ir: IR): Value {
  if (i === path.length) return ev(val, push(env, f), cx);
  const step = path[i];
  const key = 'field' in step ? step.field : step.idx.length === 1 ? ev(step.idx[0], env, cx) : tuple(step.idx.map((x) => ev(x, env, cx)));
  if (typeof f !== 'object' || (f.kind !== 'tup' && f.kind !== 'fn')) return fail(ir, `EXCEPT applied to a non-function ${printValue(f)}`);
  if (f.kind === 'tup') {
    if (typeof key !== 'number' || key < 1 || key > f.elems.length) return f;
    const elems = f.elems.slice();
    elems[key - 1] = exceptUpdate(elems[key - 1], path, i + 1, val, env, cx, ir);
    return tuple(elems);
  }
  const k = indexOfSorted(f.dom, key);
  if (k < 0) return f;
  const rng = f.rng.slice();
  rng[k] = exceptUpdate(rng[k], path, i + 1, val, env, cx, ir);
  return { kind: 'fn', dom: f.dom, rng, h1: 0, h2: 0, hashed: false };
}
