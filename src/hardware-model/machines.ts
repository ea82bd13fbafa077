// The machines of the paper's cluster (PORCUPINE.md "Evaluation setup"): a CPU by clock rate, memory, and
// any number of disks. The 30 PCs: 6 × 200 MHz / 64 MB / SCSI, 8 × 300 MHz / 128 MB / IDE,
// 16 × 350 MHz / 128 MB / IDE.
import { IDE_DISK, INFINITE_DISK, SCSI_DISK, type DiskSpec } from './parameters.js';

export interface Machine {
  readonly cpuMhz: number;
  /** Recorded, not modelled: the model has no buffer cache (docs/hardware-model.md, "Not modelled"). */
  readonly memoryMb: number;
  readonly disks: readonly DiskSpec[];
}

export const PC_200_SCSI: Machine = { cpuMhz: 200, memoryMb: 64, disks: [SCSI_DISK] };
export const PC_300_IDE: Machine = { cpuMhz: 300, memoryMb: 128, disks: [IDE_DISK] };
export const PC_350_IDE: Machine = { cpuMhz: 350, memoryMb: 128, disks: [IDE_DISK] };

/** The same machine with other disks (experiments 1, 2 and 6). */
export function withDisks(m: Machine, disks: readonly DiskSpec[]): Machine {
  return { ...m, disks };
}

export function withInfiniteDisks(m: Machine): Machine {
  return withDisks(m, m.disks.map(() => INFINITE_DISK));
}

/**
 * The first `n` of the paper's 30 PCs, in an order that keeps every prefix's mix close to the whole
 * cluster's (1 in 5 a 200 MHz SCSI node, 4 in 15 a 300 MHz node, the rest 350 MHz) [ours: the paper does
 * not say in which order nodes were added; a prefix of one kind would bend the scaling curve].
 */
export function paperCluster(n: number): Machine[] {
  if (!Number.isSafeInteger(n) || n < 1 || n > 30) throw new RangeError(`the paper's cluster has 1 to 30 nodes, got ${n}`);
  const kinds: readonly [Machine, number][] = [
    [PC_350_IDE, 16],
    [PC_300_IDE, 8],
    [PC_200_SCSI, 6],
  ];
  // Largest-remainder interleaving: at each position take the kind furthest behind its share.
  const used = kinds.map(() => 0);
  const out: Machine[] = [];
  for (let i = 1; i <= 30; i++) {
    let best = 0;
    let bestLag = -Infinity;
    kinds.forEach(([, count], k) => {
      const lag = (i * count) / 30 - used[k];
      if (used[k] < count && lag > bestLag) {
        best = k;
        bestLag = lag;
      }
    });
    used[best]++;
    out.push(kinds[best][0]);
  }
  return out.slice(0, n);
}

export function describeMachine(m: Machine): string {
  const disks = m.disks.map((d) => d.kind).join('+') || 'no disk';
  return `${m.cpuMhz} MHz/${m.memoryMb} MB/${disks}`;
}
