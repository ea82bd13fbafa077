// The four "what happens if" cases of PORCUPINE.md ("Self-management"); the scenarios and their checks are in
// four-cases.ts (shared with seeded-bugs.test.ts, which runs them with seeded bugs and expects them to fail).
import { describe, it } from 'vitest';
import { fourCases } from './four-cases.js';

describe('PORCUPINE.md: what happens if', () => {
  for (const c of fourCases) it(c.name, () => c.run());
});
