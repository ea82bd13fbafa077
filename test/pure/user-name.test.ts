import { describe, expect, it } from 'vitest';
import { checkUserName } from '../../src/pure/user-name.js';

describe('user names', () => {
  it('accepts letters, digits and . _ + - and canonicalises to lower case', () => {
    expect(checkUserName('Alice.B_c+tag-1')).toEqual({ ok: true, user: 'alice.b_c+tag-1' });
  });
  it('rejects empty, over-long and names with other characters, with a reason (never throws)', () => {
    for (const bad of ['', 'a'.repeat(65), 'a b', 'a@b', 'a/b', 'é', 'a\nb']) {
      const r = checkUserName(bad);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    }
    expect(checkUserName('a'.repeat(64)).ok).toBe(true);
  });
});
