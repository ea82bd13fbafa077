// Loading a spec and its cfg for the CLI and tests: cfg beside the spec unless given, constants bound.
import { existsSync, readFileSync } from 'node:fs';
import { TlaError, type LoadedSpec, type ValueOps } from '../api.js';
import { constantMap, moduleOverrides, parseCfg, type CfgModel } from '../cfg/index.js';
import { loadSpec, valueOps, type LoadOptions } from '../front-end.js';

export interface Loaded {
  readonly spec: LoadedSpec;
  readonly ops: ValueOps;
  readonly cfg: CfgModel;
  readonly cfgPath: string;
}

export function defaultCfgPath(specPath: string): string {
  return specPath.replace(/\.tla$/, '') + '.cfg';
}

export function readCfg(cfgPath: string): CfgModel {
  if (!existsSync(cfgPath)) throw new TlaError('cfg', `cannot read the config file ${cfgPath} (give one with --config)`);
  return parseCfg(readFileSync(cfgPath, 'utf8'), cfgPath);
}

export async function loadWithCfg(specPath: string, cfgPath = defaultCfgPath(specPath), opts: LoadOptions = {}): Promise<Loaded> {
  if (!existsSync(specPath)) throw new TlaError('io', `cannot read the spec ${specPath}`);
  const cfg = readCfg(cfgPath);
  const spec = await loadSpec(specPath, constantMap(cfg), { ...opts, moduleOverrides: moduleOverrides(cfg) });
  return { spec, ops: valueOps, cfg, cfgPath };
}
