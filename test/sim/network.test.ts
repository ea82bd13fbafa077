import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../src/sim/config.js';
import { Network } from '../../src/sim/network.js';
import { Prng } from '../../src/sim/prng.js';

const ids = ['n1', 'n2', 'n3'];
const net = (faults = NO_FAULTS, delayMs = 1, jitterMs = 0): Network =>
  new Network(3, ids, { delayMs, jitterMs, linkDelayMs: { 'n1>n3': 7 } }, faults, new Prng(5));

describe('Network faults', () => {
  it('without faults every message arrives once after the link delay (per-link override honoured)', () => {
    const n = net();
    n.faultsOn = true;
    expect(n.route(0, 1)).toBe(1);
    expect(n.delays[0]).toBe(1);
    expect(n.route(0, 2)).toBe(1);
    expect(n.delays[0]).toBe(7);
  });

  it('loss drops roughly the configured fraction, only while faults are on', () => {
    const n = net({ ...NO_FAULTS, lossRate: 0.2 });
    n.faultsOn = true;
    let arrived = 0;
    for (let i = 0; i < 20_000; i++) arrived += n.route(0, 1);
    expect(n.counters.lost).toBe(20_000 - arrived);
    expect(n.counters.lost / 20_000).toBeGreaterThan(0.18);
    expect(n.counters.lost / 20_000).toBeLessThan(0.22);
    n.faultsOn = false;
    for (let i = 0; i < 1000; i++) expect(n.route(0, 1)).toBe(1);
  });

  it('dup delivers twice', () => {
    const n = net({ ...NO_FAULTS, dupRate: 0.5 });
    n.faultsOn = true;
    let twice = 0;
    for (let i = 0; i < 10_000; i++) if (n.route(1, 2) === 2) twice++;
    expect(twice).toBe(n.counters.duplicated);
    expect(twice / 10_000).toBeGreaterThan(0.47);
    expect(twice / 10_000).toBeLessThan(0.53);
  });

  it('reorder adds a random extra delay bounded by reorderDelayMsMax', () => {
    const n = net({ ...NO_FAULTS, reorderRate: 1, reorderDelayMsMax: 50 });
    n.faultsOn = true;
    const delays = Array.from({ length: 1000 }, () => (n.route(0, 1), n.delays[0]));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...delays)).toBeLessThan(51);
    expect(new Set(delays).size).toBeGreaterThan(900);
    expect(n.counters.reordered).toBe(1000);
  });

  it('a partition blocks traffic between groups both ways, not within a group; heal restores it', () => {
    const n = net();
    n.partition([[0], [1, 2]]);
    expect(n.route(0, 1)).toBe(0);
    expect(n.route(1, 0)).toBe(0);
    expect(n.route(1, 2)).toBe(1);
    expect(n.counters.cut).toBe(2);
    n.healCuts();
    expect(n.route(0, 1)).toBe(1);
  });

  it('an asymmetric cut blocks one direction only (even with faults off)', () => {
    const n = net();
    n.setCut(0, 1, true);
    expect(n.route(0, 1)).toBe(0);
    expect(n.route(1, 0)).toBe(1);
  });
});
