// Strongly connected components (iterative Tarjan) of a subgraph given by a node mask and an edge filter.
// Used by the liveness checker; recursion-free so deep graphs cannot overflow the stack.

export interface Csr {
  /** Edges of node u are edgeIds[start[u] .. start[u+1]). */
  readonly start: Int32Array;
  readonly edgeIds: Int32Array;
  readonly edgeTo: Int32Array;
  readonly edgeFrom: Int32Array;
}

export function buildCsr(n: number, from: Int32Array, to: Int32Array): Csr {
  const start = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) start[from[e] + 1]++;
  for (let u = 0; u < n; u++) start[u + 1] += start[u];
  const fill = start.slice(0, n);
  const edgeIds = new Int32Array(from.length);
  for (let e = 0; e < from.length; e++) edgeIds[fill[from[e]]++] = e;
  return { start, edgeIds, edgeTo: to, edgeFrom: from };
}

/** SCCs of the nodes in `nodes` (mask), following edges e with edgeOk(e) between masked nodes. */
export function sccs(g: Csr, nodes: Uint8Array, edgeOk: (e: number) => boolean): number[][] {
  const n = nodes.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const out: number[][] = [];
  const call: { u: number; k: number }[] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (!nodes[root] || index[root] >= 0) continue;
    call.push({ u: root, k: g.start[root] });
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (call.length > 0) {
      const fr = call[call.length - 1];
      const u = fr.u;
      if (fr.k < g.start[u + 1]) {
        const e = g.edgeIds[fr.k++];
        const v = g.edgeTo[e];
        if (!nodes[v] || !edgeOk(e)) continue;
        if (index[v] < 0) {
          index[v] = low[v] = counter++;
          stack.push(v);
          onStack[v] = 1;
          call.push({ u: v, k: g.start[v] });
        } else if (onStack[v] && index[v] < low[u]) low[u] = index[v];
        continue;
      }
      call.pop();
      if (call.length > 0) {
        const p = call[call.length - 1].u;
        if (low[u] < low[p]) low[p] = low[u];
      }
      if (low[u] === index[u]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== u);
        out.push(comp);
      }
    }
  }
  return out;
}

/** Breadth-first path from any source to a node satisfying `goal`, within the node mask. */
export function bfsPath(
  g: Csr,
  sources: readonly number[],
  goal: (u: number) => boolean,
  nodes: Uint8Array | undefined,
  edgeOk: (e: number) => boolean,
): { nodes: number[]; edges: number[] } | undefined {
  const n = g.start.length - 1;
  const parentEdge = new Int32Array(n).fill(-2);
  const queue: number[] = [];
  for (const s of sources) {
    if ((nodes && !nodes[s]) || parentEdge[s] !== -2) continue;
    parentEdge[s] = -1;
    queue.push(s);
  }
  for (let h = 0; h < queue.length; h++) {
    const u = queue[h];
    if (goal(u)) return unwind(g, parentEdge, u);
    for (let k = g.start[u]; k < g.start[u + 1]; k++) {
      const e = g.edgeIds[k];
      const v = g.edgeTo[e];
      if (parentEdge[v] !== -2 || (nodes && !nodes[v]) || !edgeOk(e)) continue;
      parentEdge[v] = e;
      queue.push(v);
    }
  }
  return undefined;
}

function unwind(g: Csr, parentEdge: Int32Array, u: number): { nodes: number[]; edges: number[] } {
  const nodes = [u];
  const edges: number[] = [];
  for (let cur = u; parentEdge[cur] >= 0; ) {
    const e = parentEdge[cur];
    edges.push(e);
    cur = g.edgeFrom[e];
    nodes.push(cur);
  }
  return { nodes: nodes.reverse(), edges: edges.reverse() };
}
