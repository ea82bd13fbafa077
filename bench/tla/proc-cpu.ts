// Clock ticks per second of /proc/PID/stat's utime and stime (`getconf CLK_TCK`; 100 on Linux everywhere in practice).
import { execFileSync } from 'node:child_process';

let ticks: number | undefined;

export function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}
