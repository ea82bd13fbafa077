// Benchmark: wall time of the hardware model's full size sweep (issue 11, experiment 4: the paper's
// cluster at 1…30 nodes, with and without replication, 3 s ramp + 12 s measured per point after a 5 s boot). Goal: under
// 2 minutes on the project's 2-core machines.
//   npm run bench:model [-- --short]      (--short: the CI scale, fewer sizes and shorter windows; --help: the flags)
import { scaling } from '../src/hardware-model/experiments/scaling.js';
import { runExperiment } from '../src/hardware-model/experiment-runner.js';
import { benchFlags } from './flags.js';

const GOAL_S = 120;

const { values: flags } = benchFlags({
  name: 'bench:model',
  usage: ['npm run bench:model -- [options]', 'node dist/bench/model.js [options]   (after npx tsc -p tsconfig.json)'],
  description:
    "Wall time of the hardware model's size sweep (experiment 4: the paper's cluster at 1...30 nodes, with and without\n" +
    'replication, 3 s ramp + 12 s measured per point after a 5 s boot). Goal: under 2 minutes on 2 cores.',
  options: {
    short: { type: 'boolean', help: 'the CI scale: fewer sizes and shorter windows' },
  },
});
const scale = flags.short ? 'short' : 'full';
const cpu0 = process.cpuUsage();
let deliveries = 0;
let simulatedS = 0;
const outcome = runExperiment(scaling, scale, (d) => {
  deliveries += d.result.deliveries;
  simulatedS += (d.point.spec.rampMs + d.point.spec.measureMs + (d.point.spec.warmupMs ?? 5_000)) / 1000;
  process.stderr.write(`${d.index + 1}/${d.total} ${d.point.label}: ${d.result.throughput.toFixed(1)} msg/s, ${(d.wallMs / 1000).toFixed(2)} s\n`);
});
const cpu = process.cpuUsage(cpu0);
const wallS = outcome.wallMs / 1000;
const out = {
  experiment: 'scaling (experiment 4)',
  scale,
  points: scaling.points(scale).length,
  wallSeconds: Math.round(wallS * 10) / 10,
  cpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
  simulatedSeconds: Math.round(simulatedS),
  measuredDeliveries: deliveries,
  reducerSteps: outcome.steps,
  stepsPerWallSecond: Math.round(outcome.steps / wallS),
  goalSeconds: GOAL_S,
  withinGoal: wallS < GOAL_S,
};
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
