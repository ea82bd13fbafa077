// Trace conformance (DESIGN.md §5): the refinement mappings from simulator traces to the specs in spec/,
// and validation of a simulator trace against a spec in one call (used by `porcupine tla validate`, the
// property tests and `porcupine tla coverage`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TlaError, type CfgConstant, type LoadedSpec } from '../tla/api.js';
import { getParser, loadSpec, loadSpecWith, valueOps } from '../tla/front-end.js';
import { jsonToCfgValue, validateParsedEach, type ParsedTrace, type ValidateOptions, type ValidationResult } from '../tla/trace/index.js';
import { mailStoreRefinement } from './mailstore.js';
import { mailRefinement } from './mail.js';
import { membershipRefinement } from './membership.js';
import { behaviours, type Refinement } from './refinement.js';
import { replicationRefinement } from './replication.js';
import { parseSimTrace, type SimTrace } from './sim-trace.js';

export { behaviours, type Refinement, type ArgMap, type MapContext } from './refinement.js';
export { parseSimTrace, simTraceFromObjects, isSimHeader, type SimTrace, type SimEvent, type SimHeader } from './sim-trace.js';
export { mailStoreRefinement, mapMailStore, mailStoreArgs, mailStoreActions, mailStoreConstants, type MailStoreAction } from './mailstore.js';
export { mailRefinement, mailArgs } from './mail.js';
export { replicationRefinement, replicationArgs, replicationActions, replicationSpecOnlyActions } from './replication.js';

/** Every mapping, by the spec module it targets. */
export const refinements: readonly Refinement[] = [mailStoreRefinement, membershipRefinement, mailRefinement, replicationRefinement];

/** The mapping for a spec module, or undefined. */
export function refinementFor(module: string): Refinement | undefined {
  return refinements.find((r) => r.module === module);
}

/** The one-line message when no mapping targets `module`. */
export function noRefinementMessage(module: string): string {
  return `no refinement mapping from simulator traces to ${module}; mappings exist for: ${refinements.map((r) => `spec/${r.module}.tla`).join(', ')}`;
}

/** A mapped trace's header constants, as the cfg would give them. */
export function headerConstants(mapped: ParsedTrace): Map<string, CfgConstant> {
  const m = new Map<string, CfgConstant>();
  for (const [k, v] of Object.entries(mapped.header.constants ?? {})) m.set(k, { kind: 'value', value: jsonToCfgValue(v, k) });
  return m;
}

/**
 * spec/<module>.tla of this package, found from this module's own location (src/conformance under tsx or
 * vitest, dist/src/conformance when built); undefined when the package has no spec/ folder beside it.
 */
export function bundledSpec(module: string): string | undefined {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return [path.resolve(here, '../../spec'), path.resolve(here, '../../../spec')].map((d) => path.join(d, `${module}.tla`)).find((f) => existsSync(f));
}

/** The spec file of a module in the repository's spec/ folder. */
export function specFile(repoRoot: string, module: string): string {
  return path.join(repoRoot, 'spec', `${module}.tla`);
}

export interface SimValidation {
  readonly refinement: Refinement;
  /** Every behaviour's events in one list (its header is the first behaviour's): for counting and viewing. */
  readonly mapped: ParsedTrace;
  readonly spec: LoadedSpec;
  /** The first behaviour that is not one of the spec, or ok with the steps of all of them. */
  readonly result: ValidationResult;
}

type Parser = Awaited<ReturnType<typeof getParser>>;

function prepare(specPath: string, trace: SimTrace | string | readonly string[]): { refinement: Refinement; parts: readonly ParsedTrace[] } {
  const module = path.basename(specPath, '.tla');
  const refinement = refinementFor(module);
  if (refinement === undefined) throw new TlaError('trace', noRefinementMessage(module));
  const sim = typeof trace === 'string' || Array.isArray(trace) ? parseSimTrace(trace as string | readonly string[]) : (trace as SimTrace);
  const parts = behaviours(refinement.map(sim));
  if (parts.length === 0) throw new TlaError('trace', `the ${module} mapping yielded no behaviour`);
  return { refinement, parts };
}

/** Validates every behaviour of a mapped trace (one validator for all); the first failure, or ok with the steps summed. */
export function validateBehaviours(spec: LoadedSpec, parts: readonly ParsedTrace[], options: Omit<ValidateOptions, 'ops'> = {}): ValidationResult {
  return validateParsedEach(spec, parts, { ...options, ops: valueOps });
}

/** One trace holding every behaviour's events (the first's header). */
export function mergeBehaviours(parts: readonly ParsedTrace[]): ParsedTrace {
  return parts.length === 1 ? parts[0] : { header: parts[0].header, events: parts.flatMap((p) => p.events) };
}

function finish(refinement: Refinement, parts: readonly ParsedTrace[], spec: LoadedSpec): SimValidation {
  return { refinement, mapped: mergeBehaviours(parts), spec, result: validateBehaviours(spec, parts) };
}

/** Maps a simulator trace for the spec at `specPath` (module = file name) and validates it in-process. */
export async function validateSimTrace(specPath: string, trace: SimTrace | string | readonly string[]): Promise<SimValidation> {
  const { refinement, parts } = prepare(specPath, trace);
  return finish(refinement, parts, await loadSpec(specPath, headerConstants(parts[0])));
}

/** validateSimTrace without awaiting: the parser comes from `await getParser()` done beforehand. */
export function validateSimTraceWith(parser: Parser, specPath: string, trace: SimTrace | string | readonly string[]): SimValidation {
  const { refinement, parts } = prepare(specPath, trace);
  return finish(refinement, parts, loadSpecWith(parser, specPath, headerConstants(parts[0])));
}

/** The specs every simulator trace is validated against (each has a mapping here). */
export function specsForSimTraces(repoRoot: string): string[] {
  return refinements.map((r) => specFile(repoRoot, r.module));
}
