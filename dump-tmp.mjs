import { Parser, Language } from 'web-tree-sitter';
import fs from 'node:fs';
await Parser.init();
const lang = await Language.load('/work/main/node_modules/@tlaplus/tree-sitter-tlaplus/tree-sitter-tlaplus.wasm');
const p = new Parser(); p.setLanguage(lang);
const counts = new Map();
for (const f of process.argv.slice(2)) {
  const t = p.parse(fs.readFileSync(f, 'utf8'));
  const walk = (n) => { counts.set(n.type, (counts.get(n.type)||0)+1); for (const c of n.namedChildren) walk(c); };
  walk(t.rootNode);
  if (t.rootNode.hasError) console.log('ERROR in', f);
  if (process.env.SHOW) console.log(t.rootNode.toString());
}
console.log([...counts].map(([k,v])=>k+':'+v).join(' '));
