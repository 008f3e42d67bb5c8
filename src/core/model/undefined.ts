/**
 * Names that nothing declares. A declaration being typed into often names something that does not
 * exist yet, or no longer does: `itx` one letter into `item`, the uses of `ctx` once its parameter
 * reads `ctxx`, a result type `errorx`. Such code does not compile, like code that does not parse,
 * and the editor's review treats both alike (see findings/reuse.ts, "held" reviews).
 *
 * A name counts as undefined only when the declaration's own scopes (FileFacts.lookup), the names
 * it declares in ways lookup does not follow (constants, types, type parameters, a generic
 * method's receiver type arguments, type switch bindings), the package's top-level names (this
 * file's and its siblings'), the file's imports and Go's predeclared names all lack it. A file
 * with a dot import or cgo gets names from elsewhere: none of its names counts as undefined.
 */
import type { Node } from '../syntax/parser';
import type { FileFacts } from './facts';

const PREDECLARED = new Set(
  (
    'any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64 rune string ' +
    'uint uint8 uint16 uint32 uint64 uintptr true false iota nil append cap clear close complex copy delete imag len ' +
    'make max min new panic print println real recover _'
  ).split(' '),
);

/** The names a top-level declaration declares in the package (functions, types, variables, constants; not methods). */
export function declaredNames(decl: Node): readonly string[] {
  const known = declared.get(decl);
  if (known) return known;
  const names: string[] = [];
  if (decl.type === 'function_declaration') {
    const name = decl.childForFieldName('name');
    if (name) names.push(name.text);
  } else if (decl.type === 'type_declaration' || decl.type === 'var_declaration' || decl.type === 'const_declaration') {
    for (const spec of decl.descendantsOfType(['type_spec', 'type_alias', 'var_spec', 'const_spec'])) {
      for (const id of spec.childrenForFieldName('name')) names.push(id.text);
    }
  }
  declared.set(decl, names);
  return names;
}

const declared = new WeakMap<Node, readonly string[]>();

/**
 * True when the function or method declaration `decl` uses a name that nothing declares (see the
 * top of this file). `packageNames` holds the package's top-level names, every file's.
 */
export function usesUndefinedName(facts: FileFacts, decl: Node, packageNames: ReadonlySet<string>): boolean {
  if (decl.type !== 'function_declaration' && decl.type !== 'method_declaration') return false;
  const imports = importNames(facts);
  if (!imports) return false;
  const local = new Set<string>();
  for (const n of decl.descendantsOfType(['const_spec', 'type_spec', 'type_alias', 'type_parameter_declaration'])) {
    for (const id of n.childrenForFieldName('name')) local.add(id.text);
  }
  for (const n of decl.descendantsOfType('type_switch_statement')) {
    for (const id of n.childForFieldName('alias')?.namedChildren ?? []) local.add(id.text);
  }
  // A generic method names its type parameters in its receiver: `func (l *List[T]) Push(v T)`.
  for (const args of decl.childForFieldName('receiver')?.descendantsOfType('type_arguments') ?? []) {
    for (const t of args.descendantsOfType('type_identifier')) local.add(t.text);
  }
  const known = (name: string) => PREDECLARED.has(name) || packageNames.has(name) || local.has(name) || imports.has(name);
  for (const id of decl.descendantsOfType('identifier')) {
    const name = id.text;
    if (known(name) || isLiteralKey(id) || facts.lookup(name, id)) continue;
    return true;
  }
  for (const t of decl.descendantsOfType('type_identifier')) {
    if (t.parent?.type !== 'qualified_type' && !known(t.text)) return true;
  }
  return false;
}

/** `Name` in `T{Name: v}`: a field of the literal's type, or a key of a map; not a name of this scope. */
function isLiteralKey(id: Node): boolean {
  const el = id.parent;
  return el?.type === 'literal_element' && el.parent?.type === 'keyed_element' && el.parent.childForFieldName('key') === el;
}

/**
 * The names the file may use for its imports: each alias, and for the others the forms a package
 * name takes from its path (`yaml` for `gopkg.in/yaml.v3`, `redis` for `github.com/redis/go-redis/v9`).
 * Undefined for a file with a dot import or `import "C"`, whose names come from elsewhere.
 */
function importNames(facts: FileFacts): ReadonlySet<string> | undefined {
  if (facts.importsBareNames) return undefined;
  const out = new Set<string>();
  for (const [name, path] of facts.imports) {
    out.add(name);
    const parts = path.split('/');
    // An alias is the package's name here; otherwise the name is the path's, in one of its forms.
    if (name !== parts[parts.length - 1]) continue;
    let last = parts[parts.length - 1];
    if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
    for (const form of [last, last.replace(/\.v\d+$/, ''), last.replace(/^go-/, ''), last.replace(/[-.]go$/, '')]) {
      out.add(form);
      for (const piece of form.split(/[-.]/)) out.add(piece);
    }
  }
  return out;
}
