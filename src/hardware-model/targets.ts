// The paper's figures as checks on an experiment's rows (issue 11 "Targets"). Each target says whether the
// model was calibrated on it (single-node rows, PORCUPINE.md's discipline) or predicts it; where the model
// cannot reach a target, `knownMiss` says why (docs/hardware-model.md has the long form) and the check then
// expects the miss, so a model change that starts meeting it shows up as a stale explanation.
import { HETEROGENEOUS_BASE_NODES } from './experiments/heterogeneous.js';
import type { Row } from './experiments/types.js';

export interface TargetCheck {
  readonly experiment: string;
  readonly name: string;
  readonly basis: 'calibrated' | 'predicted';
  readonly paper: string;
  readonly model: string;
  readonly met: boolean;
  readonly knownMiss?: string;
}

const TOLERANCE = 0.1;
const within = (x: number, target: number, tol = TOLERANCE): boolean => Math.abs(x - target) <= tol * Math.abs(target);
const num = (r: Row | undefined, k: string): number => Number(r?.[k] ?? NaN);
const f1 = (x: number): string => (Math.round(x * 10) / 10).toString();
const pct = (x: number): string => `${f1(x * 100)}%`;

function find(rows: readonly Row[], where: Row): Row | undefined {
  return rows.find((r) => Object.entries(where).every(([k, v]) => r[k] === v));
}

/** Least-squares fit y = a + b·x and its R². */
export function linearFit(xs: readonly number[], ys: readonly number[]): { a: number; b: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const b = sxy / sxx;
  const a = my - b * mx;
  return { a, b, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

type Checker = (rows: readonly Row[]) => Omit<TargetCheck, 'experiment'>[];

const SATURATED_DISK =
  'the model runs the cluster saturated (closed-loop clients), so its bottleneck, the disk, is busy ~100% of the time; ' +
  'the paper\'s 75% implies idle disk time the model has no cause for (docs/hardware-model.md)';

const CHECKS: Readonly<Record<string, Checker>> = {
  'single-node': (rows) => {
    const ide = num(find(rows, { config: '300 MHz, 1 IDE' }), 'throughput');
    const scsi = num(find(rows, { config: '300 MHz, 1 IDE + 2 SCSI' }), 'throughput');
    const repl = find(rows, { replication: 'R=2', mix: 'paper' });
    const cpu = num(repl, 'cpuUtil');
    const disk = num(repl, 'diskUtil');
    const w0 = num(find(rows, { replication: 'off', mix: 'smtp only' }), 'writesPerDelivery');
    const w2 = num(find(rows, { replication: 'R=2', mix: 'smtp only' }), 'writesPerDelivery');
    return [
      { name: 'single node, 1 IDE disk', basis: 'calibrated', paper: '23 msg/s', model: `${f1(ide)} msg/s`, met: within(ide, 23) },
      { name: 'single 300 MHz node, 1 IDE + 2 SCSI', basis: 'calibrated', paper: '105 msg/s', model: `${f1(scsi)} msg/s`, met: within(scsi, 105) },
      { name: 'CPU:disk busy with replication, one disk', basis: 'calibrated', paper: '12:75 = 0.16', model: f1((cpu / disk) * 100) + ':100', met: within(cpu / disk, 0.16) },
      { name: 'CPU busy with replication, one disk', basis: 'predicted', paper: '12%', model: pct(cpu), met: within(cpu, 0.12), knownMiss: `CPU is 0.16 × the disk's busy time (calibrated); ${SATURATED_DISK}` },
      { name: 'disk busy with replication, one disk', basis: 'predicted', paper: '75%', model: pct(disk), met: within(disk, 0.75), knownMiss: SATURATED_DISK },
      {
        name: 'disk writes per delivery, replication vs none', basis: 'predicted', paper: '3×', model: `${f1(w2 / w0)}× (${w2.toFixed(2)} / ${w0.toFixed(2)} writes)`, met: within(w2 / w0, 3),
        knownMiss:
          'the coordinator pushes in parallel with its own write (issue 8), so the participant logs the update too, ' +
          'in case the coordinator loses its write in a crash: 4 records per replicated delivery, the paper\'s 3 plus that entry (docs/replication.md "Parallel push")',
      },
    ];
  },
  'fast-disks': (rows) => {
    const real = find(rows, { cluster: '1 node', disks: 'IDE' });
    const fast = find(rows, { cluster: '1 node', disks: 'infinitely fast' });
    const ratio = num(fast, 'throughput') / num(real, 'throughput');
    return [
      {
        name: 'infinitely fast disks: throughput ratio', basis: 'predicted', paper: '6×', model: `${f1(ratio)}×`, met: within(ratio, 6),
        knownMiss:
          'the single-node rows bound but do not fix the CPU cost of an unreplicated delivery (105 msg/s only says < 9.5 ms); ' +
          'the CPU priors scaled by the replication row give ~6 ms, so the CPU-bound node does ~7× the disk-bound one',
      },
      { name: 'infinitely fast disks: CPU the bottleneck', basis: 'predicted', paper: 'CPU-bound', model: `CPU ${pct(num(fast, 'cpuUtil'))} busy`, met: num(fast, 'cpuUtil') >= 0.9 },
    ];
  },
  'network-limit': (rows) => {
    const smtp = num(find(rows, { mix: 'SMTP only' }), 'throughput');
    return [{ name: 'network limit, 4.7 KB messages, no replication (deliveries only)', basis: 'predicted', paper: '6,500 msg/s', model: `${Math.round(smtp)} msg/s`, met: within(smtp, 6500) }];
  },
  scaling: (rows) => {
    const off = rows.filter((r) => r.replication === 'off');
    const on = rows.filter((r) => r.replication === 'R=2');
    const at30 = num(find(off, { nodes: 30 }), 'throughput');
    const at30r = num(find(on, { nodes: 30 }), 'throughput');
    const fit = linearFit(off.map((r) => num(r, 'nodes')), off.map((r) => num(r, 'throughput')));
    const ratio = at30r / at30;
    return [
      { name: '30 nodes, no replication', basis: 'predicted', paper: '~800 msg/s', model: `${f1(at30)} msg/s`, met: within(at30, 800) },
      { name: 'linear in nodes (R² of the linear fit)', basis: 'predicted', paper: 'R² ≥ 0.98', model: `R² = ${fit.r2.toFixed(4)}, ${f1(fit.b)} msg/s per node`, met: fit.r2 >= 0.98 },
      { name: 'replication clearly below', basis: 'predicted', paper: 'clearly below', model: `${pct(ratio)} of no replication at 30 nodes`, met: ratio <= 0.75 },
      {
        name: 'replication about half', basis: 'predicted', paper: '~50%', model: pct(ratio), met: within(ratio, 0.5),
        knownMiss:
          'the cluster is disk-bound and a replicated delivery costs 3× the synchronous writes (plus replicated tombstones for POP deletes), ' +
          'so the model predicts about a third; the recalled "about half" would need the paper\'s writes to be cheaper than ours',
      },
    ];
  },
  'load-balance': (rows) => {
    const skews = [...new Set(rows.map((r) => num(r, 'skew')))].sort((a, b) => a - b);
    const lo = skews[0];
    const hi = skews[skews.length - 1];
    const t = (cluster: string, policy: string, skew: number): number => num(find(rows, { cluster, policy, skew }), 'throughput');
    const staticDrop = t('homogeneous', 'static', hi) / t('homogeneous', 'static', lo);
    const dynFlat = t('homogeneous', 'dynamic, spread 2', hi) / t('homogeneous', 'dynamic, spread 2', lo);
    const randVsDyn = Math.max(...skews.map((s) => Math.abs(t('homogeneous', 'random', s) / t('homogeneous', 'dynamic, spread 2', s) - 1)));
    const spreadGain = (cluster: string): number =>
      skews.reduce((acc, s) => acc + t(cluster, 'dynamic, spread 2', s) / t(cluster, 'dynamic, spread 1', s), 0) / skews.length;
    return [
      { name: 'static degrades with skew', basis: 'predicted', paper: 'degrades', model: `${pct(staticDrop)} of its no-skew throughput at skew ${hi}`, met: staticDrop <= 0.8 },
      { name: 'dynamic stays flat', basis: 'predicted', paper: 'flat', model: `${pct(dynFlat)} of its no-skew throughput at skew ${hi}`, met: dynFlat >= 0.9 },
      { name: 'random ≈ dynamic on a homogeneous cluster', basis: 'predicted', paper: '≈', model: `largest difference ${pct(randVsDyn)}`, met: randVsDyn <= 0.1 },
      {
        name: 'spread > 1 helps (heterogeneous cluster)', basis: 'predicted', paper: 'helps',
        model: `spread 2 / spread 1 = ${spreadGain('heterogeneous').toFixed(2)}× (mean over skews)`, met: spreadGain('heterogeneous') > 1.05,
        knownMiss:
          'since the soft spread bound (issue 13, B2 in docs/bugs-found-by-properties.md) a proxy whose spread candidates are all ' +
          'overloaded adds the lightest member and a random node, so on the saturated cluster spread 1 widens exactly where spread 2 ' +
          'helped before (1.12× before that change); both now find the fast nodes',
      },
      {
        name: 'spread > 1 helps (homogeneous cluster)', basis: 'predicted', paper: 'helps',
        model: `spread 2 / spread 1 = ${spreadGain('homogeneous').toFixed(2)}× (mean over skews)`, met: spreadGain('homogeneous') > 1.05,
        knownMiss:
          'spread is only a lower bound in the load balancer (all of a user\'s fragment nodes are candidates), and under concurrent ' +
          'deliveries to a popular user the mail maps lag, so even spread 1 spreads a hot mailbox over several nodes',
      },
    ];
  },
  heterogeneous: (rows) => {
    // A partial upgrade (the most nodes upgraded short of all: then the cluster is homogeneous again).
    const ks = [...new Set(rows.map((r) => num(r, 'upgraded')))].filter((k) => k < HETEROGENEOUS_BASE_NODES).sort((a, b) => a - b);
    const k = ks[ks.length - 1];
    const gain = (policy: string): number => {
      const t = (upgraded: number): number => num(find(rows, { upgrade: 'faster disk', policy, upgraded }), 'throughput');
      return t(k) / t(ks[0]);
    };
    const g = (p: string): string => `×${gain(p).toFixed(2)}`;
    return [
      {
        name: `some nodes given a faster disk: dynamic gains more than static and random`, basis: 'predicted', paper: 'dynamic uses heterogeneity',
        model: `${k} upgraded: dynamic ${g('dynamic')}, static ${g('static')}, random ${g('random')}`,
        met: gain('dynamic') > 1.05 * Math.max(gain('static'), gain('random')),
      },
    ];
  },
  failure: (rows) => {
    const rec = (replication: string): number => recoveryAfterReturnS(rows.filter((r) => r.replication === replication));
    const r0 = rec('off');
    const r2 = rec('R=2');
    return [{ name: 'recovery after rejoin slower with replication', basis: 'predicted', paper: 'slower', model: `${f1(r2)} s vs ${f1(r0)} s without`, met: r2 > r0 }];
  },
};

/**
 * Seconds from the failed nodes' return until throughput is back, for three samples in a row, to 90% of
 * its level before the failure (Infinity if never). Rows carry `timeS` (interval start) and `throughput`; the fail and return times are
 * the experiment's (failure.ts), recorded on each row.
 */
export function recoveryAfterReturnS(rows: readonly Row[]): number {
  if (rows.length === 0) return NaN;
  const failS = num(rows[0], 'failAtS');
  const returnS = num(rows[0], 'returnAtS');
  // The level before the failure: the second half of the time before it (the first half includes the ramp).
  const before = rows.filter((r) => num(r, 'timeS') >= failS / 2 && num(r, 'timeS') < failS).map((r) => num(r, 'throughput'));
  const level = before.reduce((a, b) => a + b, 0) / Math.max(1, before.length);
  const after = rows.filter((r) => num(r, 'timeS') >= returnS);
  // Recovered = SUSTAINED_INTERVALS samples in a row at ≥ 90% of that level (one good sample is noise).
  for (let i = 0; i + SUSTAINED_INTERVALS <= after.length; i++) {
    if (after.slice(i, i + SUSTAINED_INTERVALS).every((r) => num(r, 'throughput') >= 0.9 * level)) return num(after[i], 'timeS') - returnS;
  }
  return Infinity;
}

const SUSTAINED_INTERVALS = 3;

export function checkTargets(experiment: string, rows: readonly Row[]): TargetCheck[] {
  const check = CHECKS[experiment];
  return check === undefined ? [] : check(rows).map((c) => ({ experiment, ...c }));
}

export function formatTarget(t: TargetCheck): string {
  const verdict = t.met ? 'met' : t.knownMiss !== undefined ? 'missed (explained)' : 'MISSED';
  return `${verdict.padEnd(18)} ${t.name} [${t.basis}]: paper ${t.paper}, model ${t.model}`;
}
