// Our own small cases (test/tla/cases/cases.json), with counts derived by hand (see each case's "why").
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkSpec, verdictTrace } from '../../../src/tla/check/index.js';
import { loadWithCfg } from '../../../src/tla/cli/load.js';
import { repoRoot } from './helpers.js';

interface OwnCase {
  name: string;
  spec: string;
  result: string;
  violated: string | null;
  distinct: number;
  generated: number;
  queueLeft: number;
  trace: number[][] | null;
  why: string;
}

const dir = path.join(repoRoot, 'test/tla/cases');
const cases: OwnCase[] = JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8'));
const kindOf: Record<string, string> = { success: 'success', deadlock: 'deadlock', invariant: 'invariant', temporal: 'liveness', actionProperty: 'property' };

describe('own hand-derived cases', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.result} ${c.distinct}/${c.generated}`, async () => {
      const l = await loadWithCfg(path.join(dir, c.spec), path.join(dir, `${c.name}.cfg`));
      const r = checkSpec(l.spec, l.ops, l.cfg);
      expect(kindOf[r.verdict.kind], c.why).toBe(c.result);
      expect('cfgName' in r.verdict ? r.verdict.cfgName : null).toBe(c.violated);
      expect(r.stats).toMatchObject({ distinct: c.distinct, generated: c.generated, queueLeft: c.queueLeft });
      if (c.trace) {
        const t = verdictTrace(r.verdict);
        expect(t?.steps.map((s) => s.state.map((v) => l.ops.toJson(v)))).toEqual(c.trace);
      }
    });
  }
});
