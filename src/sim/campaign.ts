// A campaign: many seeded simulations whose configs are derived from (campaign seed, run index) alone, so a
// failing run replays by itself (`porcupine sim` with the flags `simArgsOf` prints). The CLI
// (src/cli/campaign-command.ts) runs them on worker threads; this module is the pure part: derive a run's
// config, run and judge it, and render the replay command.
import { checkAll, type CheckResult } from './checkers.js';
import { runSimulation } from './cluster.js';
import { noAnomalyAfterBound } from './anomalies.js';
import { DEFAULT_FAULT_RATES, NETWORK_FAULT_KINDS, faultConfigOf, makeConfig, type FaultKind, type FaultRate, type SimConfig } from './config.js';
import { streamFor } from './prng.js';

export interface CampaignOptions {
  readonly seed: number;
  readonly runs: number;
  readonly nodesMin: number;
  readonly nodesMax: number;
  /** Fault kinds a run may draw from, each with its rate (per message or per virtual second). */
  readonly faults: readonly FaultRate[];
  readonly users: number;
  readonly messages: number;
}

/** One run of a campaign: the `porcupine sim` flags that reproduce it. */
export interface CampaignRun {
  readonly index: number;
  readonly seed: number;
  readonly nodes: number;
  readonly users: number;
  readonly messages: number;
  readonly faults: readonly FaultRate[];
}

/**
 * Run `index` of a campaign: its own seed, a cluster size uniform in [nodesMin, nodesMax], and a mix of the
 * campaign's faults (each kept with probability 3/4, so runs combine network and node faults in varying mixes;
 * never none when some were asked for). Depends on (options, index) only, never on other runs.
 */
export function campaignRun(o: CampaignOptions, index: number): CampaignRun {
  const rng = streamFor(o.seed, `campaign-run:${index}`);
  const seed = rng.int(2 ** 31);
  const nodes = o.nodesMin + rng.int(o.nodesMax - o.nodesMin + 1);
  let faults: readonly FaultRate[] = o.faults.filter(() => rng.int(4) !== 0);
  if (faults.length === 0) faults = o.faults;
  return { index, seed, nodes, users: o.users, messages: o.messages, faults };
}

export function faultListText(faults: CampaignRun['faults']): string {
  return faults.map((f) => `${f.kind}=${f.rate}`).join(',');
}

/** The `porcupine sim` arguments of a run (the replay command prints them). */
export function simArgsOf(r: CampaignRun): string[] {
  const args = ['--nodes', String(r.nodes), '--users', String(r.users), '--messages', String(r.messages), '--seed', String(r.seed)];
  return r.faults.length === 0 ? args : [...args, '--faults', faultListText(r.faults)];
}

/** The SimConfig `porcupine sim` builds from those arguments (the same fault-list translation). */
export function configOf(r: CampaignRun): SimConfig {
  return makeConfig({ seed: r.seed, nodes: r.nodes, users: r.users, messages: r.messages, faults: faultConfigOf(r.faults) });
}

export interface RunVerdict {
  readonly index: number;
  readonly ok: boolean;
  /** Names of the failed (hard) checks, with one example each. */
  readonly failed: readonly { readonly name: string; readonly example: string }[];
}

export function judge(index: number, checks: readonly CheckResult[]): RunVerdict {
  const failed = checks.filter((c) => !c.ok && !c.soft).map((c) => ({ name: c.name, example: c.examples[0] ?? '' }));
  return { index, ok: failed.length === 0, failed };
}

/** Run one campaign run and judge it with the same checks as `porcupine sim`. */
export function runCampaignRun(r: CampaignRun, trace?: { sink: (line: string) => void; version: string }): RunVerdict {
  const result = runSimulation(configOf(r), trace === undefined ? {} : { trace });
  return judge(r.index, [...checkAll(result), noAnomalyAfterBound(result)]);
}

/** Default fault mix of a campaign: every network fault plus crash, restart and partition, at default rates. */
export const CAMPAIGN_DEFAULT_FAULTS: readonly FaultKind[] = [...NETWORK_FAULT_KINDS, 'crash', 'restart', 'partition'];

export function defaultRate(kind: FaultKind): number {
  return DEFAULT_FAULT_RATES[kind];
}
