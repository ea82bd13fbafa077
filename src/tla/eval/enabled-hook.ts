// ENABLED needs the successor enumerator, which itself needs the evaluator: the enumerator registers here.
import type { Env, Ctx } from './env.js';
import type { IR } from './ir.js';

let impl: ((e: IR, env: Env, cx: Ctx) => boolean) | undefined;

export function setEnabledImpl(f: (e: IR, env: Env, cx: Ctx) => boolean): void {
  impl = f;
}

export function enabledIn(e: IR, env: Env, cx: Ctx): boolean {
  if (impl === undefined) throw new Error('ENABLED: enumerator not loaded');
  return impl(e, env, cx);
}
