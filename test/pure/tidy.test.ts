// The tidy test (STYLE.md habit 10): the protocol core and the simulator stay pure and deterministic — no
// clocks, randomness, console or node:* imports — and match unions exhaustively, without catch-alls.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function tsFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return []; // the folder does not exist yet (src/sim is built by another issue)
  }
  return entries.flatMap((e) => {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) return tsFiles(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}

/** Removes comments and string contents so that prose mentioning a banned word is not a hit. */
export function stripCommentsAndStrings(src: string): string {
  return src
    .replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' '))
    .replace(/\/\/[^\n]*/g, '')
    .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
}

export const bans: readonly { readonly what: string; readonly re: RegExp }[] = [
  { what: 'Date.now', re: /\bDate\.now\b/ },
  { what: 'new Date', re: /\bnew\s+Date\b/ },
  { what: 'Math.random', re: /\bMath\.random\b/ },
  { what: 'console.', re: /\bconsole\./ },
  { what: 'performance.now', re: /\bperformance\.now\b/ },
  { what: "from 'node:", re: /from\s+['"]node:|import\(\s*['"]node:|require\(\s*['"]node:/ },
  { what: 'default: (catch-all in a switch)', re: /\bdefault\s*:/ },
  { what: '.otherwise( (ts-pattern catch-all)', re: /\.otherwise\s*\(/ },
];

/** `file:line: what` for every banned construct in the given source. */
export function findBans(file: string, src: string): string[] {
  // Imports are checked on the raw text (their module names are strings, which stripping would hide).
  const code = stripCommentsAndStrings(src).split('\n');
  const raw = src.split('\n');
  const hits: string[] = [];
  code.forEach((line, i) => {
    for (const b of bans) {
      const text = b.what.startsWith('from') ? raw[i].replace(/\/\/.*$/, '') : line;
      if (!b.re.test(text)) continue;
      // `default: return assertNever(x)` is the exhaustiveness proof, not a catch-all.
      if (b.what.startsWith('default') && /assertNever\s*\(/.test(code.slice(i, i + 3).join(' '))) continue;
      hits.push(`${file}:${i + 1}: ${b.what}`);
    }
  });
  return hits;
}

describe('tidy: src/pure and src/sim are pure and match exhaustively', () => {
  const files = [...tsFiles(join(root, 'src', 'pure')), ...tsFiles(join(root, 'src', 'sim'))];

  it('scans the protocol core', () => expect(files.length).toBeGreaterThan(10));

  it('has no clocks, randomness, console, node:* imports or catch-all matches', () => {
    const hits = files.flatMap((f) => findBans(relative(root, f), readFileSync(f, 'utf8')));
    expect(hits).toEqual([]);
  });

  it('the scanner catches each banned construct and ignores comments and strings', () => {
    const bad = [
      'const t = Date.now();',
      'const d = new Date();',
      'const r = Math.random();',
      'console.log(1);',
      'const p = performance.now();',
      "import { x } from 'node:fs';",
      'switch (k) { default: break; }',
      'match(x).otherwise(() => 1);',
    ];
    for (const line of bad) expect(findBans('x.ts', line)).toHaveLength(1);
    expect(findBans('x.ts', "// Date.now is banned\nconst s = 'Math.random';\n/* console.log */")).toEqual([]);
    expect(findBans('x.ts', 'switch (k) {\n  default:\n    return assertNever(k);\n}')).toEqual([]);
  });
});
