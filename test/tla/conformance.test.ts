// Runs every case of the TLC conformance suite (../shared/tla-conformance, see its README) through our
// checker and requires TLC's result, violated property, distinct and generated counts, exit code, and for
// safety violations (invariant, action property, deadlock, Assert) the same counterexample: same length,
// same states compared as variable -> printed value maps, same action labels.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkSpec, exitCode, reportLines, traceLines, verdictTrace, type Verdict } from '../../src/tla/check/index.js';
import { loadWithCfg } from '../../src/tla/cli/load.js';
import { conformanceDir } from './back/helpers.js';

interface Case {
  name: string;
  spec: string;
  cfg: string;
  result: string;
  violated: string | null;
  distinct: number | null;
  generated: number | null;
  tlcExitCode: number;
}

interface ParsedState {
  label: string;
  vars: Map<string, string>;
}

/** The "State N: <label>" blocks after TLC's "The behavior up to this point is:" line. */
export function parseTrace(lines: readonly string[]): ParsedState[] {
  const out: ParsedState[] = [];
  let cur: ParsedState | undefined;
  let lastVar = '';
  for (const line of lines) {
    const head = /^State \d+: (.*)$/.exec(line);
    if (head) {
      cur = { label: head[1], vars: new Map() };
      out.push(cur);
      continue;
    }
    if (cur === undefined) continue;
    if (line === '') {
      cur = undefined;
      continue;
    }
    const m = /^\/\\ (\w+) = (.*)$/.exec(line);
    if (m) {
      lastVar = m[1];
      cur.vars.set(m[1], m[2]);
    } else cur.vars.set(lastVar, `${cur.vars.get(lastVar)} ${line.trim()}`); // TLC wraps long values
  }
  return out.map((s) => ({ label: s.label, vars: new Map([...s.vars].map(([k, v]) => [k, v.replace(/\s+/g, ' ')])) }));
}

function resultOf(v: Verdict): string {
  switch (v.kind) {
    case 'actionProperty':
      return 'property';
    case 'temporal':
      return 'liveness';
    case 'initProperty':
      return 'invariant';
    default:
      return v.kind;
  }
}

const dir = conformanceDir();
const cases: Case[] = JSON.parse(readFileSync(`${dir}/manifest.json`, 'utf8'));

describe('TLC conformance suite', () => {
  it('has the 35 cases of the manifest', () => {
    expect(cases.length).toBe(35);
  });

  for (const c of cases) {
    it(`${c.name}: ${c.result}${c.violated ? ` (${c.violated})` : ''}, ${c.distinct ?? '-'} distinct / ${c.generated ?? '-'} generated`, async () => {
      const l = await loadWithCfg(`${dir}/${c.spec}`, `${dir}/${c.cfg}`);
      const r = checkSpec(l.spec, l.ops, l.cfg);
      const v = r.verdict;
      expect(resultOf(v)).toBe(c.result);
      expect('cfgName' in v ? v.cfgName : null).toBe(c.violated);
      expect(r.stats?.distinct ?? null).toBe(c.distinct);
      expect(r.stats?.generated ?? null).toBe(c.generated);
      expect(exitCode(v)).toBe(c.tlcExitCode);
      const expected = readFileSync(`${dir}/${c.name}.expected.txt`, 'utf8').split('\n');
      const ours = reportLines(r, l.spec, l.ops);
      const counts = expected.filter((x) => /^\d+ states generated/.test(x)).pop();
      if (counts !== undefined) {
        const q = /(\d+) states left on queue/.exec(counts);
        expect(r.stats?.queueLeft, 'states left on queue').toBe(Number(q?.[1]));
        const depth = expected.find((x) => x.startsWith('The depth of the complete state graph search is'));
        expect(depth, 'depth line').toBe(`The depth of the complete state graph search is ${r.stats?.depth}.`);
      }
      const firstError = (ls: readonly string[]): string | undefined => ls.find((x) => x.startsWith('Error: '));
      if (c.result !== 'success') expect(firstError(ours)).toBe(firstError(expected));
      // The liveness summary lines, without their timestamps.
      const live = (ls: readonly string[]): string[] =>
        ls.filter((x) => x.startsWith('Implied-temporal') || x.startsWith('Checking ')).map((x) => x.replace(/ at \(.*$/, ''));
      expect(live(ours)).toEqual(live(expected));
      // Summary lines TLC prints around the search (initial states, fingerprint estimate, outdegree).
      const summary = (ls: readonly string[]): string[] =>
        ls
          .filter((x) => /^(Computed \d+ initial|Finished computing initial|  calculated \(optimistic\)|The average outdegree)/.test(x))
          .map((x) => x.replace(/ at \d{4}-.*$/, ''));
      expect(summary(ours)).toEqual(summary(expected));
      const trace = verdictTrace(v);
      if (trace && c.result !== 'liveness') {
        const want = parseTrace(expected);
        const got = parseTrace(traceLines(l.spec.variables, trace, l.ops));
        expect(got.length).toBe(want.length);
        got.forEach((s, i) => {
          expect(s.label, `label of state ${i + 1}`).toBe(want[i].label);
          expect(Object.fromEntries(s.vars), `state ${i + 1}`).toEqual(Object.fromEntries(want[i].vars));
        });
      }
      if (c.result === 'liveness' && trace) {
        // Liveness lassos need not match TLC's; they must still be printable lassos.
        expect(trace.loop).toBeDefined();
      }
    });
  }
});
