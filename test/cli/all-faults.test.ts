// Whole-cluster runs with every fault the simulator has, as a user would start them. These seeds once failed:
// a POP session kept fetching from holders the membership had already dropped (one RPC timeout per RETR), so
// its requests outlived the client; RETR now asks only live holders and answers -ERR at once when none is.
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const ALL_FAULTS = 'loss,dup,reorder,crash,restart,partition,join,leave,churn,loseDisk';

describe('porcupine sim with every fault', () => {
  for (const seed of [1, 10]) {
    it(`seed ${seed}: every check passes, every client request is answered`, () => {
      const r = runCli(['sim', '--nodes', '6', '--users', '100', '--messages', '400', '--seed', String(seed), '--faults', ALL_FAULTS, '--json']);
      const summary = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; soft: boolean; examples: string[] }[] };
      const failed = summary.checks.filter((c) => !c.ok && !c.soft);
      expect(failed, JSON.stringify(failed).slice(0, 600)).toEqual([]);
      expect(r.code).toBe(0);
    });
  }
});
