// No import cycles in src/pure (issue 13): a module slice must not import the node that composes it
// (node-state.ts ↔ replication/node-glue.ts ↔ soft-state/reconstruct-node.ts was such a circle). Reads the
// import graph from the .ts files — `import … from` and `export … from`, type-only imports included (a
// type cycle still ties the modules together) — and looks for a cycle by depth-first search.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';

const IMPORT = /^\s*(?:import|export)\s[^'";]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : name.endsWith('.ts') ? [p] : [];
  });
}

/** Module → the modules it imports (relative imports inside the scanned tree only). */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(root)) {
    const deps = [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => resolve(dirname(file), m[1].replace(/\.js$/, '.ts')));
    graph.set(file, deps);
  }
  for (const [f, deps] of graph) graph.set(f, deps.filter((d) => graph.has(d)));
  return graph;
}

/** Every back edge of a depth-first search, as the cycle it closes (module paths relative to `root`). */
export function cycles(graph: ReadonlyMap<string, readonly string[]>, root: string): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const found: string[] = [];
  const visit = (f: string): void => {
    state.set(f, 'open');
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === 'open') found.push([...stack.slice(stack.indexOf(d)), d].map((x) => relative(root, x)).join(' → '));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of [...graph.keys()].sort()) if (!state.has(f)) visit(f);
  return found;
}

describe('src/pure import graph', () => {
  const root = join(REPO_ROOT, 'src', 'pure');

  it('has no import cycle (type-only imports included)', () => {
    const graph = importGraph(root);
    expect(graph.size).toBeGreaterThan(40);
    expect(cycles(graph, root)).toEqual([]);
  });

  it('the search finds a cycle when there is one (the old node-state ↔ node-glue circle, and a longer one)', () => {
    const g = new Map<string, string[]>([
      ['/p/node-state.ts', ['/p/replication/node-glue.ts', '/p/types.ts']],
      ['/p/replication/node-glue.ts', ['/p/node-state.ts']],
      ['/p/types.ts', []],
      ['/p/a.ts', ['/p/b.ts']],
      ['/p/b.ts', ['/p/c.ts']],
      ['/p/c.ts', ['/p/a.ts']],
    ]);
    expect(cycles(g, '/p')).toEqual(['a.ts → b.ts → c.ts → a.ts', 'node-state.ts → replication/node-glue.ts → node-state.ts']);
  });

  it('reads type-only, multi-line and re-export imports', () => {
    const deps = importGraph(root).get(join(root, 'node-state.ts')) ?? [];
    expect(deps.map((d) => relative(root, d))).toEqual(expect.arrayContaining(['replication/replica-manager.ts', 'soft-state/reconstruction-state.ts', 'io.ts']));
  });
});
