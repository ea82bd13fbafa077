import { it } from 'vitest';
import { checkers, makeConfig, runSimulation } from '../../src/sim/index.js';
it('exp', () => {
  const run = JSON.parse(process.env.RUN!);
  const lines: string[] = [];
  const r = runSimulation(makeConfig({
      seed: run.seed, nodes: 4, users: 12, messages: 24,
      node: { replicas: run.replicas === 0 ? undefined : run.replicas },
      faults: run.faults, schedule: run.schedule,
      workload: { popFraction: 0.3, deleteProbability: 0.5, arrivalIntervalMs: 100 },
      phases: { warmupMs: 2_000, healMs: 35_000 },
  }), { trace: { version: 'x', sink: (line) => { if (/Crash|Restart|InstallView/.test(line) || (process.env.MSG && line.includes(process.env.MSG))) lines.push(line.slice(0, 330)); } } });
  console.log(JSON.stringify(checkers.checkAll(r, { spreadMaxNodes: 4 }).filter((c) => !c.ok), null, 1).slice(0, 1500));
  console.log(lines.join('\n'));
  for (const o of r.history.ops) if (JSON.stringify(o).includes(process.env.MSG ?? '@@')) console.log(o.node, o.sentAt, o.repliedAt, o.outcome, JSON.stringify(o.request).slice(0, 150), JSON.stringify(o.reply).slice(0, 150));
  console.log('deleted at', r.history.deleted.get(process.env.MSG ?? ''));
});
