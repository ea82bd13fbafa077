import { it } from 'vitest';
import type { MembershipBugs } from '../../src/pure/membership/bugs.js';
import { fourCases } from './four-cases.js';
it('cases', () => {
  for (const f of (process.env.FLAGS ?? '').split(',')) {
    const b = { [f]: true } as MembershipBugs;
    fourCases.forEach((c, i) => { let msg = 'pass'; try { c.run(b); } catch (e) { msg = 'FAIL ' + String(e).slice(0, 200); } console.log(`RES ${f} case${i + 1} ${msg}`); });
  }
}, 600_000);
