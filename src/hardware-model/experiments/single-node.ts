// Experiment 1: the single-node rows (PORCUPINE.md "Figures to reproduce"): one 300 MHz node with one IDE
// disk; with one IDE and two SCSI disks; CPU and disk utilisation with replication, one disk per node
// (four such nodes: a lone node has nobody to replicate to); disk writes per delivery with and without
// replication (SMTP only, so POP deletes do not count as delivery writes).
import { PC_300_IDE, withDisks } from '../machines.js';
import { IDE_DISK, SCSI_DISK } from '../parameters.js';
import { CHART_CONFIG } from '../plot.js';
import { VL, metricsRow, windows, type Experiment, type Point, type Scale } from './types.js';

export const singleNode: Experiment = {
  name: 'single-node',
  title: 'Single node: disks, utilisation, writes per message',
  summary: 'one 300 MHz node with 1 IDE, with 1 IDE + 2 SCSI; CPU/disk busy with replication; writes per delivery',
  points(scale: Scale): Point[] {
    const w = windows(scale, { rampMs: 10_000, measureMs: 60_000 }, { rampMs: 5_000, measureMs: 20_000 });
    const four = [PC_300_IDE, PC_300_IDE, PC_300_IDE, PC_300_IDE];
    return [
      { label: '300 MHz, 1 IDE', fields: { config: '300 MHz, 1 IDE', replication: 'off', mix: 'paper' }, spec: { machines: [PC_300_IDE], replicas: 0, ...w } },
      {
        label: '300 MHz, 1 IDE + 2 SCSI',
        fields: { config: '300 MHz, 1 IDE + 2 SCSI', replication: 'off', mix: 'paper' },
        spec: { machines: [withDisks(PC_300_IDE, [IDE_DISK, SCSI_DISK, SCSI_DISK])], replicas: 0, ...w },
      },
      { label: '4 x 300 MHz/1 IDE, replication', fields: { config: '4 x (300 MHz, 1 IDE)', replication: 'R=2', mix: 'paper' }, spec: { machines: four, replicas: 2, ...w } },
      { label: '4 x 300 MHz/1 IDE, SMTP only', fields: { config: '4 x (300 MHz, 1 IDE)', replication: 'off', mix: 'smtp only' }, spec: { machines: four, replicas: 0, popFraction: 0, ...w } },
      { label: '4 x 300 MHz/1 IDE, SMTP only, replication', fields: { config: '4 x (300 MHz, 1 IDE)', replication: 'R=2', mix: 'smtp only' }, spec: { machines: four, replicas: 2, popFraction: 0, ...w } },
    ];
  },
  rows: (point, r) => [metricsRow(point, r)],
  charts(rows) {
    const paper = rows.filter((r) => r.mix === 'paper');
    const targets: Record<string, number> = { '300 MHz, 1 IDE': 23, '300 MHz, 1 IDE + 2 SCSI': 105 };
    const thr = paper
      .filter((r) => r.replication === 'off')
      .flatMap((r) => [
        { config: String(r.config).replace('300 MHz, ', ''), source: 'model', value: r.throughput },
        { config: String(r.config).replace('300 MHz, ', ''), source: 'paper', value: targets[String(r.config)] ?? 0 },
      ]);
    const util = paper
      .filter((r) => r.replication === 'R=2')
      .flatMap((r) => [
        { resource: 'CPU', source: 'model', value: Number(r.cpuUtil) * 100 },
        { resource: 'CPU', source: 'paper', value: 12 },
        { resource: 'disk', source: 'model', value: Number(r.diskUtil) * 100 },
        { resource: 'disk', source: 'paper', value: 75 },
      ]);
    const writes = rows.filter((r) => r.mix === 'smtp only').map((r) => ({ replication: r.replication, value: r.writesPerDelivery }));
    const grouped = (title: string, values: object[], x: string, y: string): object => ({
      ...VL, config: CHART_CONFIG, title, width: 300, height: 220, data: { values },
      mark: 'bar',
      encoding: {
        x: { field: x, type: 'nominal', title: null, axis: { labelAngle: 0, labelLimit: 200 } },
        xOffset: { field: 'source' },
        y: { field: 'value', type: 'quantitative', title: y },
        color: { field: 'source', type: 'nominal', scale: { range: ['#4c78a8', '#bbbbbb'] } },
      },
    });
    return [
      {
        name: 'single-node',
        spec: {
          ...VL, config: CHART_CONFIG,
          hconcat: [
            grouped('Throughput, one 300 MHz node', thr, 'config', 'messages/s'),
            grouped('Busy with replication (one disk)', util, 'resource', '% busy'),
            {
              title: 'Disk writes per delivery', width: 160, height: 220, data: { values: writes }, mark: 'bar',
              encoding: { x: { field: 'replication', type: 'nominal', title: 'replication', axis: { labelAngle: 0 } }, y: { field: 'value', type: 'quantitative', title: 'writes' } },
            },
          ],
        },
      },
    ];
  },
};
