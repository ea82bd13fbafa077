// Trace validation against a real spec: random walks are accepted, edited traces are rejected with the
// line, the expected action, the differing variables and the enabled actions.
import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { LoadedSpec } from '../../../src/tla/api.js';
import { loadWithCfg } from '../../../src/tla/cli/load.js';
import { randomWalkTrace, validateTrace } from '../../../src/tla/trace/index.js';
import { valueOps as ops } from '../../../src/tla/front-end.js';
import { conformanceDir, repoRoot } from './helpers.js';

let pair: LoadedSpec;
let lww: LoadedSpec;
beforeAll(async () => {
  pair = (await loadWithCfg(path.join(repoRoot, 'test/tla/cases/CounterPair.tla'), path.join(repoRoot, 'test/tla/cases/CounterPairAll.cfg'))).spec;
  const dir = conformanceDir();
  lww = (await loadWithCfg(`${dir}/LwwConverge.tla`, `${dir}/LwwConverge.cfg`)).spec;
});

const seed = Number(process.env.SEED ?? 7);

describe('trace validation', () => {
  it(`accepts random walks of a distributed spec (seed ${seed})`, () => {
    const lines = randomWalkTrace(lww, { ops, steps: 200, seed });
    expect(lines.length).toBeGreaterThan(3);
    const r = validateTrace(lww, lines, { ops });
    expect(r, `replay with SEED=${seed}`).toMatchObject({ ok: true, steps: lines.length - 1 });
  });

  it('accepts events that give only some variables, keeping candidate states', () => {
    const lines = randomWalkTrace(lww, { ops, steps: 60, seed: seed + 1, vars: ['reg', 'wrote'] });
    const r = validateTrace(lww, lines, { ops });
    expect(r.ok).toBe(true);
  });

  it('accepts a hand-written trace with named actions and a stuttering event', () => {
    const lines = [
      '{"module":"CounterPair","constants":{}}',
      '{"i":0,"state":{"a":0,"b":0}}',
      '{"i":1,"action":"IncA","state":{"a":1,"b":0}}',
      '{"i":2,"state":{"a":1}}',
      '{"i":3,"action":"IncB","state":{"b":1}}',
    ];
    expect(validateTrace(pair, lines)).toMatchObject({ ok: true, steps: 4 }); // ops default to the front end's
  });

  it('rejects a wrong initial state with the differing variable', () => {
    const r = validateTrace(pair, ['{"module":"CounterPair"}', '{"i":0,"state":{"a":1,"b":0}}'], { ops });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.line).toBe(2);
      expect(r.failure.expectedAction).toBe('Init');
      expect(r.failure.differences).toEqual([['a', '1', '0']]);
    }
  });

  it('rejects a step that is not the named action, reporting line, differences and enabled actions', () => {
    const lines = [
      '{"module":"CounterPair"}',
      '{"i":0,"action":"Init","state":{"a":0,"b":0}}',
      '{"i":1,"action":"IncA","state":{"a":1,"b":0}}',
      '{"i":2,"action":"IncB","state":{"a":2,"b":0}}',
    ];
    const r = validateTrace(pair, lines, { ops });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.failure.line).toBe(4);
      expect(r.failure.expectedAction).toBe('IncB');
      expect(r.failure.differences).toEqual([
        ['a', '2', '1'],
        ['b', '0', '1'],
      ]);
      expect(r.failure.enabled).toEqual(['IncA', 'IncB']);
    }
  });

  it('rejects an unknown variable and a missing header clearly', () => {
    expect(() => validateTrace(pair, ['{"module":"CounterPair"}', '{"state":{"zz":1}}'], { ops })).toThrow(/line 2: zz is not a variable/);
    expect(() => validateTrace(pair, ['{"state":{"a":0}}'], { ops })).toThrow(/first line must be a header/);
  });

  it('rejects an edited random walk at the edited line', () => {
    const lines = randomWalkTrace(lww, { ops, steps: 40, seed: seed + 2 });
    const k = Math.min(20, lines.length - 1);
    const ev = JSON.parse(lines[k]);
    ev.state.clock = { '#map': [] };
    const edited = [...lines.slice(0, k), JSON.stringify(ev), ...lines.slice(k + 1)];
    const r = validateTrace(lww, edited, { ops });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.failure.line).toBe(k + 1);
  });
});

describe('trace format', () => {
  it('skips metadata lines (simulator checkpoints, phases) and reads the header module from "spec"', async () => {
    const { parseNdjson } = await import('../../../src/tla/trace/ndjson.js');
    const parsed = parseNdjson([
      JSON.stringify({ kind: 'header', spec: 'MailStore', constants: {} }),
      JSON.stringify({ i: 1, action: 'Boot', state: { up: ['n1'] } }),
      JSON.stringify({ kind: 'checkpoint', step: 1000, digests: {} }),
      JSON.stringify({ kind: 'phase', phase: 'heal' }),
      JSON.stringify({ i: 2, state: { up: ['n1'] } }),
    ]);
    expect(parsed.header.module).toBe('MailStore');
    expect(parsed.events.map((e) => e.line)).toEqual([2, 5]);
  });
});
