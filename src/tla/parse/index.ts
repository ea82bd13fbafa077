// Parsing .tla files with web-tree-sitter into the typed AST.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Parser, Language, type Node } from 'web-tree-sitter';
import { TlaError } from '../api.js';
import { internToken } from '../values/index.js';
import type { Module } from './ast.js';
import { Converter, unescape } from './cst-to-ast.js';
import { readParsed, writeParsed, type ParsedEntry } from './disk-cache.js';

export type * from './ast.js';

let parserPromise: Promise<Parser> | undefined;

/** The tree-sitter parser, loaded once per process. */
export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = require.resolve('@tlaplus/tree-sitter-tlaplus/tree-sitter-tlaplus.wasm');
    const lang = await Language.load(wasm);
    const p = new Parser();
    p.setLanguage(lang);
    return p;
  })();
  return parserPromise;
}

/**
 * Parsed files by name and text: loading one spec again with other constants (trace validation of every
 * simulated run in the property tests) must not pay tree-sitter's parse each time. The AST is not mutated
 * after conversion; a hit replays the file's interning order (tokens) so string order stays TLC's. Across
 * processes, disk-cache.ts keeps them too.
 */
const parsed = new Map<string, ParsedEntry>();
const PARSED_MAX = 32;

function remember(key: string, entry: ParsedEntry): void {
  if (parsed.size >= PARSED_MAX) parsed.delete(parsed.keys().next().value as string);
  parsed.set(key, entry);
}

/** Parses the text of a file; returns its modules in source order (the first is the file's main module). */
export function parseText(parser: Parser, text: string, file: string): Module[] {
  const key = `${file}\0${text}`;
  const persistent = !file.startsWith('<');
  // Expressions parsed one by one (LoadedSpec.expr: files named "<expr N>") are not worth keeping.
  const hit = parsed.get(key) ?? (persistent ? readParsed(file, text) : undefined);
  if (hit !== undefined) {
    for (const t of hit.tokens) internToken(t);
    if (!parsed.has(key)) remember(key, hit);
    return hit.modules;
  }
  const tree = parser.parse(text);
  if (tree === null) throw new TlaError('parse', `Could not parse ${file}`);
  try {
    const root = tree.rootNode;
    if (root.hasError) reportError(root, file);
    const tokens: string[] = [];
    internInOrder(root, tokens);
    for (const t of tokens) internToken(t);
    const cv = new Converter(file, '');
    const modules = root.namedChildren.filter((c): c is Node => c !== null && c.type === 'module').map((m) => cv.convertModule(m));
    if (persistent) {
      remember(key, { modules, tokens });
      writeParsed(file, text, { modules, tokens });
    }
    return modules;
  } finally {
    tree.delete();
  }
}

export function parseFile(parser: Parser, file: string): Module[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TlaError('io', `Cannot read ${file}`);
  }
  return parseText(parser, text, file);
}

/** TLC orders strings by when they were first interned, i.e. met in the source: replay that order. */
function internInOrder(n: Node, out: string[]): void {
  const t = n.type;
  if (t === 'identifier' || t === 'identifier_ref' || t === 'name') {
    out.push(n.text);
    return;
  }
  if (t === 'string') {
    out.push(unescape(n.text));
    return;
  }
  for (const c of n.namedChildren) if (c !== null) internInOrder(c, out);
}

function reportError(root: Node, file: string): never {
  let bad: Node | null = null;
  const find = (n: Node): void => {
    if (bad !== null) return;
    if (n.isError || n.isMissing) {
      bad = n;
      return;
    }
    for (const c of n.children) if (c !== null && c.hasError) find(c);
    if (bad === null && (n.isError || n.isMissing)) bad = n;
  };
  find(root);
  const b = (bad ?? root) as Node;
  const line = b.startPosition.row + 1;
  const col = b.startPosition.column + 1;
  throw new TlaError('parse', `Parse error in ${file} at line ${line}, col ${col}: unexpected ${JSON.stringify(b.text.slice(0, 40))}`);
}
