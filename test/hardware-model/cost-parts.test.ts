// The hardware model's parts on their own: Ethernet framing, disks (positioning, least finish time, group
// commit, crash), the paper's cluster mix, the body-size distribution, the linear fit the scaling target
// uses, and the simulator's CPU queue under the cost hooks.
import { describe, expect, it } from 'vitest';
import { NodeDisks, writeServiceMs } from '../../src/hardware-model/disks.js';
import { EthernetSegment, wireBytes } from '../../src/hardware-model/ethernet.js';
import { PC_200_SCSI, PC_300_IDE, PC_350_IDE, paperCluster } from '../../src/hardware-model/machines.js';
import { IDE_DISK, INFINITE_DISK, POSITIONED_OPS_PER_SYNC_WRITE, SCSI_DISK, WORKLOAD, positionMs } from '../../src/hardware-model/parameters.js';
import { bodySizeSampler } from '../../src/hardware-model/paper-workload.js';
import { linearFit } from '../../src/hardware-model/targets.js';
import { runModel } from '../../src/hardware-model/run.js';
import { Prng } from '../../src/sim/prng.js';

describe('Ethernet segment', () => {
  it('a small RPC fills one 512-byte slot plus its ACK; a 4.7 KB body takes 4 full-size frames and 2 ACKs', () => {
    expect(wireBytes(100)).toBe(532 + 532);
    // 4,700 bytes: 3 frames of 1460 (1538 on the wire each), a last one of 320 bytes (slot-padded), 2 ACKs.
    expect(wireBytes(4_700)).toBe(3 * 1538 + 532 + 2 * 532);
  });

  it('serialises transfers: the second waits for the first, and the segment counts its busy time', () => {
    const seg = new EthernetSegment(1e9);
    const first = seg.transmit(0, 4_700);
    const second = seg.transmit(0, 4_700);
    const oneMs = (wireBytes(4_700) * 8) / 1e6;
    expect(first).toBeCloseTo(oneMs + 0.1, 9);
    expect(second).toBeCloseTo(2 * oneMs + 0.1, 9);
    expect(seg.busyBy(10)).toBeCloseTo(2 * oneMs, 9);
  });
});

describe('disks', () => {
  it('positioning is seek plus half a rotation; a write pays the calibrated positionings plus transfer', () => {
    expect(positionMs(IDE_DISK)).toBeCloseTo(9.5 + 5.5556, 3);
    expect(positionMs(SCSI_DISK)).toBeCloseTo(8.27, 9);
    expect(writeServiceMs(IDE_DISK, 10_000)).toBeCloseTo(POSITIONED_OPS_PER_SYNC_WRITE * positionMs(IDE_DISK) + 1, 9);
    expect(writeServiceMs(INFINITE_DISK, 1 << 20)).toBe(0);
  });

  it('a write goes to the disk that finishes it first, and writes issued at one instant share one sync', () => {
    const disks = new NodeDisks([IDE_DISK, SCSI_DISK]);
    const a = disks.write(0, 1_000); // SCSI is faster: it takes the first write
    expect(a).toBeCloseTo(writeServiceMs(SCSI_DISK, 1_000), 9);
    const b = disks.write(0, 1_000); // same instant: joins the group, pays the transfer only
    expect(b - a).toBeCloseTo(1_000 / 20_000, 9);
    const c = disks.write(1, 1_000); // a new instant: the idle IDE disk finishes first? no, SCSI is still faster
    expect(c).toBeCloseTo(Math.min(b + writeServiceMs(SCSI_DISK, 1_000), 1 + writeServiceMs(IDE_DISK, 1_000)), 9);
    expect([disks.writes, disks.syncs]).toEqual([3, 2]);
  });

  it('a crash takes back the work not yet done', () => {
    const disks = new NodeDisks([IDE_DISK]);
    const done = disks.write(0, 0);
    disks.crash(done / 2);
    expect(disks.busyBy(done)).toBeCloseTo(done / 2, 9);
  });
});

describe("the paper's cluster and workload", () => {
  it('30 nodes are 6 × 200 MHz SCSI, 8 × 300 MHz IDE and 16 × 350 MHz IDE; every prefix keeps the mix', () => {
    const all = paperCluster(30);
    expect([PC_200_SCSI, PC_300_IDE, PC_350_IDE].map((m) => all.filter((x) => x === m).length)).toEqual([6, 8, 16]);
    for (const n of [5, 10, 15, 20]) expect(paperCluster(n).filter((x) => x === PC_200_SCSI).length).toBe(n / 5);
    expect(() => paperCluster(31)).toThrow(/1 to 30 nodes/);
  });

  it('body sizes average 4.7 KB within 3%, with a heavy tail and nothing above 1 MB', () => {
    const sample = bodySizeSampler('paper');
    const rng = new Prng(7);
    const sizes = Array.from({ length: 200_000 }, () => sample(rng));
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(Math.abs(mean / WORKLOAD.meanBodyBytes - 1)).toBeLessThan(0.03);
    const largest = sizes.reduce((a, b) => Math.max(a, b), 0);
    expect(largest).toBeLessThanOrEqual(WORKLOAD.maxBodyBytes);
    expect(largest).toBeGreaterThan(20 * WORKLOAD.meanBodyBytes);
    const median = [...sizes].sort((a, b) => a - b)[sizes.length / 2];
    expect(median).toBeLessThan(0.6 * mean);
  });

  it('the linear fit recovers a line exactly (R² = 1) and reports scatter as R² < 1', () => {
    expect(linearFit([1, 2, 3], [5, 7, 9])).toMatchObject({ a: 5 - 2, b: 2, r2: 1 });
    expect(linearFit([1, 2, 3, 4], [1, 3, 2, 4]).r2).toBeLessThan(0.9);
  });
});

describe('the simulator under the cost hooks', () => {
  it('one IDE node delivers at its disk speed, and a faster CPU does not change that; with free disks the CPU sets it', () => {
    const w = { rampMs: 2_000, measureMs: 8_000, replicas: 0 };
    const slowCpu = runModel({ machines: [{ ...PC_300_IDE, cpuMhz: 200 }], ...w });
    const fastCpu = runModel({ machines: [{ ...PC_300_IDE, cpuMhz: 600 }], ...w });
    expect(slowCpu.diskUtil[0]).toBeGreaterThan(0.99);
    expect(Math.abs(slowCpu.throughput / fastCpu.throughput - 1)).toBeLessThan(0.1);
    const freeDisks = (mhz: number): number => runModel({ machines: [{ ...PC_300_IDE, cpuMhz: mhz, disks: [INFINITE_DISK] }], ...w }).throughput;
    // CPU-bound: twice the clock, about twice the deliveries.
    expect(freeDisks(600) / freeDisks(300)).toBeGreaterThan(1.8);
  });
});
