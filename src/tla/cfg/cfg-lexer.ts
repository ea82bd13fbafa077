// Tokens of TLC's configuration language. Comments are `\*` to end of line and `(* ... *)` (nestable),
// as in TLA+ itself.
import { TlaError } from '../api.js';

export type CfgTokenKind = 'ident' | 'int' | 'string' | 'punct' | 'eof';

export interface CfgToken {
  readonly kind: CfgTokenKind;
  readonly text: string;
  readonly line: number;
  readonly col: number;
}

const PUNCT = ['<-', '<<', '>>', '=', '{', '}', ',', '[', ']'];

export function cfgError(file: string, line: number, col: number, msg: string): TlaError {
  return new TlaError('cfg', `${file}:${line}:${col}: ${msg}`, {
    module: '',
    file,
    line,
    col,
    endLine: line,
    endCol: col,
  });
}

export function lexCfg(text: string, file: string): CfgToken[] {
  const out: CfgToken[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = (): number => i - lineStart + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (text.startsWith('\\*', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('(*', i)) {
      const [l0, c0] = [line, col()];
      let depth = 0;
      do {
        if (text.startsWith('(*', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('*)', i)) {
          depth--;
          i += 2;
        } else {
          if (text[i] === '\n') {
            line++;
            lineStart = i + 1;
          }
          i++;
        }
      } while (depth > 0 && i < text.length);
      if (depth > 0) throw cfgError(file, l0, c0, 'unterminated comment "(*"');
      continue;
    }
    const start = { line, col: col() };
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') {
        if (text[j] === '\\' && j + 1 < text.length) {
          const e = text[j + 1];
          s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else s += text[j++];
      }
      if (text[j] !== '"') throw cfgError(file, start.line, start.col, 'unterminated string');
      out.push({ kind: 'string', text: s, ...start });
      i = j + 1;
      continue;
    }
    const num = /^-?[0-9]+(?![A-Za-z_])/.exec(text.slice(i, i + 40));
    if (num) {
      out.push({ kind: 'int', text: num[0], ...start });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z0-9_]*[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 400));
    if (id) {
      out.push({ kind: 'ident', text: id[0], ...start });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((q) => text.startsWith(q, i));
    if (p === undefined) throw cfgError(file, start.line, start.col, `unexpected character ${JSON.stringify(c)}`);
    out.push({ kind: 'punct', text: p, ...start });
    i += p.length;
  }
  out.push({ kind: 'eof', text: '', line, col: col() });
  return out;
}
