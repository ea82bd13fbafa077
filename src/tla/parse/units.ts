// Module-level units (definitions, declarations, INSTANCE, ASSUME) of the CST -> AST conversion.
import type { Node } from 'web-tree-sitter';
import type { Unit } from './ast.js';
import { type Converter, field, fieldAll, kids, opName } from './cst-to-ast.js';

export function convertUnit(cv: Converter, n: Node): Unit[] | null {
  const loc = cv.loc(n);
  switch (n.type) {
    case 'operator_definition': {
      const name = opName(field(n, 'name'));
      return [{ kind: 'opDef', name, params: cv.params(n), body: cv.expr(field(n, 'definition')), local: false, loc }];
    }
    case 'function_definition': {
      const bounds = kids(n).filter((k) => k.type === 'quantifier_bound').map((b) => cv.bound(b));
      return [{ kind: 'fnDef', name: field(n, 'name').text, bounds, body: cv.expr(field(n, 'definition')), local: false, loc }];
    }
    case 'module_definition': {
      const inst = instance(cv, field(n, 'definition'));
      return [{ ...inst, name: field(n, 'name').text, params: cv.params(n), loc }];
    }
    case 'instance':
      return [instance(cv, n)];
    case 'local_definition': {
      const inner = convertUnit(cv, kids(n)[0]);
      return inner === null ? null : inner.map((u) => ('local' in u ? { ...u, local: true } : u));
    }
    case 'constant_declaration':
      return [
        {
          kind: 'constants',
          decls: kids(n).map((d) =>
            d.type === 'operator_declaration'
              ? { name: opName(field(d, 'name')), arity: fieldAll(d, 'parameter').length }
              : { name: d.text, arity: 0 },
          ),
          loc,
        },
      ];
    case 'variable_declaration':
      return [{ kind: 'variables', names: kids(n).map((d) => d.text), loc }];
    case 'assumption': {
      const ks = kids(n).filter((k) => k.type !== 'identifier' && k.type !== 'def_eq');
      const expr = cv.expr(ks[ks.length - 1]);
      const name = kids(n).find((k) => k.type === 'identifier');
      // ASSUME A == e also defines A (used as `A!:` or by name).
      return name === undefined ? [{ kind: 'assume', expr, loc }] : [{ kind: 'assume', expr, loc }, { kind: 'opDef', name: name.text, params: [], body: expr, local: false, loc }];
    }
    case 'theorem': {
      // THEOREM T == e names its statement (`T!:`, `T!2`); proofs and ASSUME/PROVE statements are ignored.
      const name = n.childForFieldName('name');
      const st = n.childForFieldName('statement');
      if (name === null || st === null || st.type === 'assume_prove') return null;
      try {
        return [{ kind: 'opDef', name: name.text, params: [], body: cv.expr(st), local: false, loc }];
      } catch {
        return null; // a statement only the proof system reads: it cannot be used by a model anyway
      }
    }
    case 'module':
      return [{ kind: 'module', module: cv.convertModule(n) }];
    case 'recursive_declaration':
    case 'use_or_hide':
    case 'single_line':
    case 'header_line':
    case 'double_line':
    case 'identifier':
      return null;
    default:
      return cv.fail(n, `The module unit ${n.type}`);
  }
}

function instance(cv: Converter, n: Node): Extract<Unit, { kind: 'instance' }> {
  const ks = kids(n);
  const subst = ks
    .filter((k) => k.type === 'substitution')
    .map((s) => {
      const sk = kids(s).filter((x) => x.type !== 'gets');
      return [opName(sk[0]), cv.expr(sk[1])] as const;
    });
  return { kind: 'instance', name: null, params: [], module: ks[0].text, subst, local: false, loc: cv.loc(n) };
}
