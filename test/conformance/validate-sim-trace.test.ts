// `porcupine tla validate SPEC.tla TRACE.ndjson` takes a simulator trace as recorded (src/conformance maps it),
// says in one line which specs it can map to otherwise, and the fast path (the named action with its
// recorded arguments bound) reaches the same verdicts as enumerating every successor of Next.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerConstants, mapMailStore, parseSimTrace, refinements, validateSimTrace } from '../../src/conformance/index.js';
import { loadSpec, valueOps } from '../../src/tla/front-end.js';
import { validateParsed } from '../../src/tla/trace/index.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot, simulate, smallConfig, specPath } from '../spec/harness.js';

// The enumeration of Next is slow on the larger traces (node-faults-r2-5-nodes: ~20 s): compare on the two
// smallest kept traces, one replicated and one not.
const compared = ['no-faults-3-nodes.ndjson', 'static-policy-uniform-5-nodes.ndjson'];

describe('porcupine tla validate on simulator traces', () => {
  it('validates a kept trace of traces/ as it is (no mapping step, no cfg)', () => {
    const r = runCli(['tla', 'validate', 'spec/MailStore.tla', 'traces/no-faults-3-nodes.ndjson']);
    expect(r.stderr).toBe('');
    // Every event of the trace is validated: its end line says how many the run recorded.
    const text = readFileSync(path.join(repoRoot, 'traces/no-faults-3-nodes.ndjson'), 'utf8').trim().split('\n');
    const events = (JSON.parse(text[text.length - 1]) as { events: number }).events;
    expect(events).toBeGreaterThan(100);
    expect(r.stdout).toMatch(new RegExp(`^Trace is a behaviour of MailStore: ${events} events validated in \\d+ ms`));
    expect(r.code).toBe(0);
  });

  it('names the specs it can map to, in one line, for a spec without a mapping', () => {
    const r = runCli(['tla', 'validate', 'spec/MCMailStore.tla', 'traces/no-faults-3-nodes.ndjson']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `porcupine tla validate: traces/no-faults-3-nodes.ndjson is a simulator trace, and there is no refinement mapping from simulator traces to MCMailStore; mappings exist for: ${refinements.map((x) => `spec/${x.module}.tla`).join(', ')}`,
    ]);
  });

  it('reports a tampered simulator trace at its line in the original file (exit 1)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const raw = readFileSync(path.join(repoRoot, 'traces/no-faults-3-nodes.ndjson'), 'utf8').split('\n');
    // The trace is replicated (R = 2): a durable message copy passed off as a tombstone.
    const persist = raw.findIndex((l) => l.includes('"action":"ReplPersist"') && l.includes('"kind":"message"'));
    expect(persist).toBeGreaterThan(0);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sim-trace-')), 't.ndjson');
    writeFileSync(file, raw.map((l, k) => (k === persist ? l.replace('"kind":"message"', '"kind":"tombstone"') : l)).join('\n'));
    const r = runCli(['tla', 'validate', 'spec/MailStore.tla', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`Trace validation failed at line ${persist + 1}:`);
    expect(r.stdout).toContain('Expected action: ReplPersist');
  });
});

describe('the fast path and the enumeration of Next agree', () => {
  for (const file of compared) {
    it(`traces/${file}: valid both ways, with the same number of steps`, async () => {
      const text = readFileSync(path.join(repoRoot, 'traces', file), 'utf8');
      const mapped = mapMailStore(parseSimTrace(text));
      const spec = await loadSpec(specPath, headerConstants(mapped));
      const fast = validateParsed(spec, mapped, { ops: valueOps });
      const slow = validateParsed(spec, mapped, { ops: valueOps, direct: false });
      expect(fast).toEqual(slow);
      expect(fast.ok).toBe(true);
    });
  }
});

describe('disk loss: Restart(n, TRUE) empties the node in MailStore', () => {
  const lossy = () =>
    simulate(
      smallConfig(5, {
        node: { replicas: 0 },
        schedule: [{ kind: 'loseDisk', atMs: 5200, node: 'n1' }],
      }),
    );

  it('a run where a node holding mail loses its disk is a behaviour of MailStore', async () => {
    const raw = lossy();
    const restart = raw.findIndex((l) => l.includes('"action":"Restart"'));
    expect(restart, 'the schedule loses n1 disk').toBeGreaterThan(0);
    expect(raw[restart - 1]).toContain('"loseDisk"');
    const v = await validateSimTrace(specPath, raw);
    expect(v.result.ok, JSON.stringify(v.result).slice(0, 800)).toBe(true);
  });

  it("without the fault line the Restart is an ordinary one, and the emptied disk is rejected at the Restart's line", async () => {
    const raw = lossy();
    const restart = raw.findIndex((l) => l.includes('"action":"Restart"'));
    const before = JSON.parse(raw[restart - 2]) as { state?: { mailboxes?: Record<string, Record<string, string[]>> } };
    const held = Object.values(before.state?.mailboxes ?? {}).some((byNode) => (byNode.n1 ?? []).length > 0);
    expect(held, 'n1 held mail before its disk was lost (change the schedule if the workload moved)').toBe(true);
    const tampered = raw.filter((_, k) => k !== restart - 1);
    const v = await validateSimTrace(specPath, tampered);
    expect(v.result).toMatchObject({ ok: false, failure: { line: restart, expectedAction: 'Restart' } });
  });
});
