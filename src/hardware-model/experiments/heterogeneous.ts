// Experiment 6: a heterogeneous cluster. Ten 300 MHz/IDE nodes; k of them get a second, faster (SCSI)
// disk, or k of them are replaced by 350 MHz nodes with an IDE and a SCSI disk. Which policy turns the
// added capacity into throughput?
import { PC_300_IDE, PC_350_IDE, withDisks, type Machine } from '../machines.js';
import type { NodeConfig } from '../../pure/io.js';
import { IDE_DISK, SCSI_DISK } from '../parameters.js';
import { facetedPolicyLines, metricsRow, windows, type Experiment, type Point, type Scale } from './types.js';

const POLICIES: readonly NodeConfig['loadPolicy'][] = ['static', 'random', 'dynamic'];
export const HETEROGENEOUS_BASE_NODES = 10;
const BASE_NODES = HETEROGENEOUS_BASE_NODES;

function upgraded(kind: 'faster disk' | 'faster node', k: number): Machine[] {
  const better = kind === 'faster disk' ? withDisks(PC_300_IDE, [IDE_DISK, SCSI_DISK]) : withDisks(PC_350_IDE, [IDE_DISK, SCSI_DISK]);
  return Array.from({ length: BASE_NODES }, (_, i) => (i < k ? better : PC_300_IDE));
}

export const heterogeneous: Experiment = {
  name: 'heterogeneous',
  title: 'Heterogeneous cluster: adding faster disks or nodes',
  summary: '10 nodes, k of them given a SCSI disk (or replaced by 350 MHz IDE+SCSI nodes): static vs random vs dynamic',
  points(scale: Scale): Point[] {
    const w = windows(scale, { rampMs: 5_000, measureMs: 20_000 }, { rampMs: 3_000, measureMs: 8_000 });
    const ks = scale === 'full' ? [0, 2, 4, 6, 8, 10] : [0, 5];
    // The short scale (CI) runs only what the target needs: half the nodes given a faster disk.
    const kinds = scale === 'full' ? (['faster disk', 'faster node'] as const) : (['faster disk'] as const);
    return kinds.flatMap((kind) =>
      POLICIES.flatMap((policy) =>
        ks.map((k) => ({
          label: `${kind} x${k}, ${policy}`,
          fields: { upgrade: kind, upgraded: k, policy },
          spec: { machines: upgraded(kind, k), replicas: 0, loadPolicy: policy, spread: 2, ...w },
        })),
      ),
    );
  },
  rows: (point, r) => [metricsRow(point, r)],
  charts(rows) {
    return [{ name: 'heterogeneous', spec: facetedPolicyLines(rows, 'upgrade', 'upgraded', `nodes upgraded (of ${BASE_NODES})`) }];
  },
};
