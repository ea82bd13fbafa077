// Ad-hoc benchmark of the node reducer with the in-test driver (not a test): after `npm run build`,
// `node --max-semi-space-size=128 dist/test/pure/perf-main.js [deliveries] [distinct recipients]`.
import { NodeCluster as Cluster, verifierOf } from '../support/node-cluster.js';
import { emptyHardState, provisionUsers } from '../../src/pure/hard-state.js';

const nodes = Array.from({ length: 30 }, (_, i) => `n${i + 1}`);
const c = new Cluster({ nodes, loadPolicy: 'dynamic', spread: 2, messageSizeMaxBytes: 1_000_000 });
c.freeze = false;
c.checkInvariants = false;
const hard = provisionUsers(emptyHardState(), { prefix: 'user', count: 4_800_000, verifier: verifierOf('pw') });
for (const n of nodes) c.boot(n, hard);
c.deliverAll();
const body = 'x'.repeat(4700);
const N = Number(process.argv[2] ?? 100_000);
// argv[3]: how many distinct recipients (default: spread over all 4.8 million, so nearly every delivery creates a fragment)
const usersHot = Number(process.argv[3] ?? 4_800_000);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
let steps = 0;
for (let i = 0; i < N; i++) {
  c.client(nodes[i % 30], `s${i}`, { kind: 'smtpData', sender: 'x', recipients: [`user${(i * 7919) % usersHot}`], body });
  if (i % 100 === 99) steps += c.deliverAll();
  c.takeLog();
  c.replies.length = 0;
  c.traces.length = 0;
}
steps += c.deliverAll();
const dt = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(`${N} deliveries in ${dt.toFixed(0)} ms wall (${((N / dt) * 1000).toFixed(0)}/s), ${cpuMs.toFixed(0)} ms cpu (${((N / cpuMs) * 1000).toFixed(0)}/s), steps ${steps}; inside stepNode ${c.stepMs.toFixed(0)} ms (${((N / c.stepMs) * 1000).toFixed(0)} deliveries/s)\n`);
