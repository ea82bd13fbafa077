// The paper's recalled shapes for experiments 5–7 (issue 11: load balancing against skew, a heterogeneous
// cluster, the failure timeline), each checked on a short run of the hardware model (check-experiment.ts).
import { describeTargets } from './check-experiment.js';

for (const name of ['load-balance', 'heterogeneous', 'failure']) describeTargets(name);
