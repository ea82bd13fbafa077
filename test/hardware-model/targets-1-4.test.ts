// The paper's targets for experiments 1–4 (issue 11: single node, infinitely fast disks, network limit,
// cluster size), each checked on a short run of the hardware model (check-experiment.ts).
import { describeTargets } from './check-experiment.js';

for (const name of ['single-node', 'fast-disks', 'network-limit', 'scaling']) describeTargets(name);
