// The in-test clusters' runs validated against spec/PorcupineMembership.tla (issue 9), as
// properties/support/validated-sim.ts does for simulator runs: the membership properties drive a WorldDriver
// (test/membership's SimHarness of real nodes, or the MembershipCluster of membership reducers) instead of
// the simulator, so they have no trace recorder. The driver's trace records, plus the life cycle the World
// does not trace (Crash, Restart, and Boot for a reducer that does not trace it), become a simulator trace,
// mapped by src/conformance/membership.ts and validated in-process. TRACE_VALIDATE=0 turns it off.
import path from 'node:path';
import { behaviours, headerConstants, refinementFor, simTraceFromObjects } from '../../src/conformance/index.js';
import type { LoadedSpec } from '../../src/tla/api.js';
import { getParser, loadSpecWith, valueOps } from '../../src/tla/front-end.js';
import { describeFailure, validateParsed, type ParsedTrace } from '../../src/tla/trace/index.js';
import { traceValidationOn } from '../../properties/support/validated-sim.js';
import { REPO_ROOT } from './paths.js';
import type { WorldDriver } from './world-driver.js';

const parser = await getParser();
const spec = path.join(REPO_ROOT, 'spec/PorcupineMembership.tla');
const refinement = refinementFor('PorcupineMembership')!;

/**
 * The loaded spec, kept across runs with the same constants: a freshly loaded spec evaluates its actions
 * cold (hundreds of ms for a short run), a warm one validates a run in a few ms. The runs of one property
 * share their nodes, and Epochs is set empty: the recorded action is checked with its recorded epoch
 * directly, only the enumeration of Next that explains a failure would range over it (it then lists no
 * label with an epoch among the enabled actions).
 */
let cached: { readonly key: string; readonly spec: LoadedSpec } | undefined;

function specFor(mapped: ParsedTrace): LoadedSpec {
  const key = JSON.stringify(mapped.header.constants);
  if (cached?.key !== key) cached = { key, spec: loadSpecWith(parser, spec, headerConstants(mapped)) };
  return cached.spec;
}

/** How many driver runs this process validated, and how many events. */
export const driverValidationStats = { runs: 0, events: 0, buildMs: 0, validateMs: 0 };

/**
 * From now on, records the driver's crashes and restarts (and boots, when `boots`: the membership reducer
 * traces none, the real node traces its own) among its trace records, in the order they happen. Call it
 * before the first boot. Only runs that record their life cycle can be validated.
 */
export function recordLifecycle<S>(d: WorldDriver<S>, o: { readonly boots: boolean }): void {
  const w = d.world;
  const crash = w.crash.bind(w);
  const boot = w.boot.bind(w);
  const log = (i: number, action: string): void => void d.traces.push({ at: w.now, node: d.ids[i], action, args: { node: d.ids[i] } });
  // World.restart boots through this.boot, so a restart passes here too: a node that crashed before (inc > 0)
  // is restarted, as the simulator's faults.ts traces it (Restart, then Boot).
  w.crash = (i: number): void => {
    if (w.nodes[i].up) log(i, 'Crash');
    crash(i);
  };
  w.boot = (i: number): void => {
    if (!w.nodes[i].up) {
      if (w.nodes[i].inc > 0) log(i, 'Restart');
      if (o.boots) log(i, 'Boot');
    }
    boot(i);
  };
}

/** The driver's run as simulator trace lines: a header naming its nodes, then one event per trace record. */
export function driverTraceObjects<S>(d: WorldDriver<S>): Record<string, unknown>[] {
  const up = new Set<string>();
  const objects: Record<string, unknown>[] = [{ kind: 'header', spec: 'Porcupine', constants: { Nodes: [...d.ids] } }];
  d.traces.forEach((r, k) => {
    if (r.action === 'Boot') up.add(r.node);
    else if (r.action === 'Crash') up.delete(r.node);
    objects.push({ i: k + 1, t: r.at, node: r.node, action: r.action, args: r.args, state: { up: d.ids.filter((n) => up.has(n)) } });
  });
  return objects;
}

/** Validates a run recorded with recordLifecycle; throws the first step that is not a behaviour of the spec. */
export function checkDriverRun<S>(d: WorldDriver<S>, what: string): void {
  if (!traceValidationOn()) return;
  const t0 = performance.now();
  // The membership mapping gives one behaviour (the whole cluster's views).
  const [mapped] = behaviours(refinement.map(simTraceFromObjects(driverTraceObjects(d))));
  const stable: ParsedTrace = { ...mapped, header: { ...mapped.header, constants: { ...mapped.header.constants, Epochs: { '#set': [] } } } };
  const t1 = performance.now();
  const result = validateParsed(specFor(stable), stable, { ops: valueOps });
  driverValidationStats.buildMs += t1 - t0;
  driverValidationStats.validateMs += performance.now() - t1;
  if (!result.ok) {
    const f = result.failure;
    const r = d.traces[f.line - 2]; // line 1 is the header
    throw new Error(
      `${what}: the run is not a behaviour of PorcupineMembership (spec/PorcupineMembership.tla)\n` +
        describeFailure(f).join('\n').slice(0, 3000) +
        `\n  the offending event: ${JSON.stringify(r).slice(0, 600)}`,
    );
  }
  driverValidationStats.runs++;
  driverValidationStats.events += result.steps;
}
