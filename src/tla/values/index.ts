// The value model of the TLA+ toolchain: see types.ts (representation) and core.ts (the total order).
import type { ValueOps, State } from '../api.js';
import { compare, equals } from './core.js';
import { fingerprint, fingerprintState } from './hash.js';
import { printValue } from './print.js';
import { fromJson, toItf, toJson } from './json.js';
import { permute, permuter } from './permute.js';

export type * from './types.js';
export type { State };
export * from './core.js';
export * from './lazy.js';
export { fingerprint, fingerprintState, fingerprintLanes } from './hash.js';
export { printValue } from './print.js';
export { fromJson, toItf, toJson } from './json.js';
export { permute, permuter } from './permute.js';

export const valueOps: ValueOps = {
  fingerprint,
  fingerprintState,
  equals,
  compare,
  print: printValue,
  toJson,
  toItf,
  fromJson,
  permute,
  permuter,
};

