import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScriptFile } from './scenario-runner.js';

const dir = join(import.meta.dirname, 'scenarios');

describe('golden scenarios (test/pure/scenarios/*.txt; UPDATE_GOLDEN=1 rewrites them)', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
  it('has scenarios', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, () => {
      const { actual, expected } = runScriptFile(join(dir, f));
      expect(actual).toBe(expected);
    });
  }
});
