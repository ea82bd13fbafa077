// `porcupine replay --from-spec CE.json`: a model-checker counterexample replayed against the implementation
// (issue 9, "counterexample replay, both ways"). A registry of per-spec translators: each turns the spec's
// states into inputs of the implementation (updates, deliveries, write completions, crashes, restarts,
// messages left undelivered), runs them deterministically, maps what the implementation then holds back onto
// the spec's variables (the refinement mapping) and reports the first step where the two part. Adding a spec
// is one file here plus one line in `translators`.
import { TlaError } from '../../tla/api.js';
import { mailTranslator } from './mail.js';
import { replicationTranslator } from './replication.js';

/** A counterexample as a list of states (each: variable → plain JSON; sets as {"#set": [...]}). */
export interface Counterexample {
  readonly states: readonly Readonly<Record<string, unknown>>[];
  /** What wrote it: our checker's --dump-trace-json (TLC -dumpTrace json) or ITF (Apalache, --dump-itf). */
  readonly format: 'tlc-json' | 'itf';
}

export interface StepReport {
  /** 1-based state number in the counterexample (state 1 is the initial state). */
  readonly state: number;
  /** The spec action the translator recognised between state-1 and state. */
  readonly action: string;
  /** What the implementation was made to do. */
  readonly inputs: readonly string[];
}

export type ReplayOutcome =
  | { readonly kind: 'follows'; readonly steps: readonly StepReport[]; readonly notes?: readonly string[] }
  | {
      readonly kind: 'diverges';
      readonly steps: readonly StepReport[];
      readonly state: number;
      readonly action: string;
      readonly why: string;
      /** [variable, spec value, implementation value] for the variables that differ. */
      readonly differences: readonly (readonly [string, string, string])[];
    };

export interface TranslatorOptions {
  /**
   * The implementation's ackReplicas (the spec's AckReplicas; the counterexample does not carry constants).
   * PorcupineReplication only: the PorcupineMail replay runs unreplicated nodes (its model's AckReplicas is 1).
   */
  readonly ackReplicas: number;
}

export interface Translator {
  /** The spec module whose counterexamples this translator replays. */
  readonly module: string;
  readonly summary: string;
  /** Whether a counterexample's variables are this spec's. */
  recognises(vars: readonly string[]): boolean;
  replay(ce: Counterexample, options: TranslatorOptions): ReplayOutcome;
}

export const translators: readonly Translator[] = [replicationTranslator, mailTranslator];

/** Plain JSON from ITF's encodings ({"#bigint": "3"}, {"#tup": [...]}, {"#map": [[k, v]...]}); sets stay {"#set"}. */
export function fromItf(j: unknown): unknown {
  if (Array.isArray(j)) return j.map(fromItf);
  if (typeof j !== 'object' || j === null) return j;
  const o = j as Record<string, unknown>;
  if ('#bigint' in o) return Number(o['#bigint']);
  if ('#tup' in o) return (o['#tup'] as unknown[]).map(fromItf);
  if ('#set' in o) return { '#set': (o['#set'] as unknown[]).map(fromItf) };
  if ('#map' in o) return (o['#map'] as [unknown, unknown][]).map(([k, v]) => [fromItf(k), fromItf(v)]);
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== '#meta').map(([k, v]) => [k, fromItf(v)]));
}

/** Reads --dump-trace-json ({"counterexample": {"state": [[n, vars]...]}}) or ITF ({"states": [...]}) text. */
export function parseCounterexample(text: string): Counterexample {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new TlaError('trace', `not JSON: ${(e as Error).message}`);
  }
  const o = j as { counterexample?: { state?: unknown }; states?: unknown };
  const checked = (ce: Counterexample): Counterexample => {
    if (ce.states.length === 0) throw new TlaError('trace', 'the counterexample has no states');
    const k = ce.states.findIndex((s) => typeof s !== 'object' || s === null || Array.isArray(s));
    if (k >= 0) throw new TlaError('trace', `state ${k + 1} is not an object of variables`);
    return ce;
  };
  if (Array.isArray(o.counterexample?.state)) {
    const states = (o.counterexample.state as unknown[]).map((s) => (Array.isArray(s) ? s[1] : s) as Record<string, unknown>);
    return checked({ format: 'tlc-json', states });
  }
  if (Array.isArray(o.states)) return checked({ format: 'itf', states: (o.states as unknown[]).map((s) => fromItf(s) as Record<string, unknown>) });
  throw new TlaError('trace', 'neither a TLC -dumpTrace json counterexample ({"counterexample": {"state": [...]}}) nor ITF ({"states": [...]})');
}

/** The translator for a counterexample's variables, or undefined. */
export function translatorFor(ce: Counterexample): Translator | undefined {
  const vars = Object.keys(ce.states[0] ?? {});
  return translators.find((t) => t.recognises(vars));
}
