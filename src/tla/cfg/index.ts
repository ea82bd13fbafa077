// TLC configuration files: parse them into a CfgModel (see cfg-model.ts).
export { parseCfg } from './cfg-parse.js';
export { constantMap, moduleOverrides } from './cfg-model.js';
export type { CfgModel, CfgName, CfgPos, CfgConstantEntry } from './cfg-model.js';
