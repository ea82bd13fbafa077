// The experiments of issue 11, in the order of PORCUPINE.md's "Figures to reproduce".
import { failure } from './failure.js';
import { fastDisks } from './fast-disks.js';
import { heterogeneous } from './heterogeneous.js';
import { loadBalance } from './load-balance.js';
import { networkLimit } from './network-limit.js';
import { scaling } from './scaling.js';
import { singleNode } from './single-node.js';
import type { Experiment } from './types.js';

export const EXPERIMENTS: readonly Experiment[] = [singleNode, fastDisks, networkLimit, scaling, loadBalance, heterogeneous, failure];

export function findExperiment(name: string): Experiment | undefined {
  return EXPERIMENTS.find((e) => e.name === name);
}

export type { Experiment, Point, Row, Scale } from './types.js';
