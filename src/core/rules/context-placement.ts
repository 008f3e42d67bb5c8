import { compact, type FileFacts } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Report, Rule } from '../findings/rule';
import { lineOf } from '../syntax/nodes';
import { focusedOfType } from './support/focus';

/** First parameters after which Go convention still accepts the context: test helpers. */
const TESTING_TYPES = new Set(['*testing.T', '*testing.B', '*testing.F', 'testing.TB']);

/** Declarations whose parameter order the author chose (literals follow the signature of whoever calls them). */
const SIGNATURES = new Set(['function_declaration', 'method_declaration', 'method_elem']);

export const rule: Rule = {
  id: 'context-placement',
  title: 'context.Context not passed as the first parameter, or stored in a struct',
  severity: 'hint',
  category: 'cancellation',
  docs: {
    summary: 'A `context.Context` parameter that is not the first parameter, or a struct field that stores a `context.Context`.',
    why:
      'Go code passes the context explicitly, as the first parameter, conventionally named `ctx`. Readers and tools rely on that ' +
      'place: a context buried in the middle of a parameter list is easy to miss when wrapping or forwarding a call, so callers end ' +
      'up passing `context.Background()` instead of their own. A context kept in a struct field is worse: it belongs to whichever ' +
      'call created the struct, so every later method call runs under that old deadline and cancellation instead of its caller\'s, ' +
      'and nothing in the method signatures says so. Test helpers may take `t *testing.T` first; a struct that owns a context ' +
      'together with its `CancelFunc` (a component that manages its own lifetime), one that hands its context out through a ' +
      '`Context()` method (an operation object, like `http.Request`), and one that implements `context.Context` are left alone.',
    interleaving: [
      'A request handler builds `w := &worker{ctx: r.Context()}` and keeps it in a cache.',
      'The request finishes and its context is cancelled.',
      'A later request calls `w.Fetch(id)`: the call runs under the first, already cancelled context and fails, while the new request\'s deadline is never applied.',
    ],
    bad: `type worker struct {
	ctx context.Context
	db  *sql.DB
}

func (w *worker) Fetch(id string) (*Row, error) {
	return query(w.ctx, w.db, id)
}

func lookup(id string, ctx context.Context) (*Row, error) {
	return query(ctx, db, id)
}`,
    good: `type worker struct {
	db *sql.DB
}

func (w *worker) Fetch(ctx context.Context, id string) (*Row, error) {
	return query(ctx, w.db, id)
}

func lookup(ctx context.Context, id string) (*Row, error) {
	return query(ctx, db, id)
}`,
  },
  check(ctx) {
    const file = ctx.file;
    const pkg = file.importName('context');
    if (!pkg) return;
    const contextType = `${pkg}.Context`;
    for (const n of focusedOfType(ctx, [...SIGNATURES, 'struct_type'])) {
      if (SIGNATURES.has(n.type)) checkParams(file, n, contextType, ctx.report);
      else checkFields(file, n, contextType, ctx.report);
    }
  },
};

function checkParams(file: FileFacts, decl: Node, contextType: string, report: (r: Report) => void): void {
  const params = decl.type === 'method_elem' ? paramsOfElem(decl) : file.funcInfo(decl).params;
  const i = params.findIndex((p) => p.type === contextType);
  if (i <= 0) return;
  if (i === 1 && TESTING_TYPES.has(params[0].type)) return;
  const p = params[i];
  const name = decl.childForFieldName('name')?.text ?? 'this function';
  const list = decl.childForFieldName('parameters')!;
  const shown = p.name ? `${p.name} ${contextType}` : contextType;
  report({
    node: p.node,
    message:
      `\`${shown}\` is parameter ${i + 1} of \`${name}\`: Go convention passes the context first`,
    related: [{ span: { start: list.startIndex, end: list.endIndex }, message: 'the parameter list' }],
    steps: [
      `\`${name}\` (line ${lineOf(decl)}) takes \`${shown}\` as parameter ${i + 1}.`,
      `A caller forwarding its own context looks for it first in the list and may pass \`${contextType.replace(/Context$/, 'Background()')}\` instead.`,
    ],
  });
}

/** Parameters of an interface method (`Do(x int, ctx context.Context) error`). */
function paramsOfElem(elem: Node): { name: string; type: string; node: Node }[] {
  const out: { name: string; type: string; node: Node }[] = [];
  for (const p of elem.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p || (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration')) continue;
    const type = compact(p.childForFieldName('type')?.text ?? '');
    const names = p.childrenForFieldName('name').filter((x): x is Node => x !== null);
    if (names.length === 0) out.push({ name: '', type, node: p });
    for (const nm of names) out.push({ name: nm.text, type, node: nm });
  }
  return out;
}

/**
 * Types whose job is to carry a context, by design: they hand it out through a method returning
 * `context.Context` (an operation object like a request: `Context()`, `BaseContext()`), or
 * implement `context.Context` themselves (`Done`, `Value`).
 */
function carriesContext(file: FileFacts, typeName: string, contextType: string): boolean {
  return file.functions.some(
    (f) => f.receiver?.typeName === typeName && (f.name === 'Done' || f.name === 'Value' || (f.results.length === 1 && f.results[0] === contextType)),
  );
}

function checkFields(file: FileFacts, struct: Node, contextType: string, report: (r: Report) => void): void {
  const fields: { names: Node[]; type: string; decl: Node }[] = [];
  for (const decl of struct.descendantsOfType('field_declaration')) {
    // Only this struct's own fields: a nested anonymous struct is checked on its own.
    if (!decl || decl.parent?.parent?.id !== struct.id) continue;
    const t = decl.childForFieldName('type');
    if (!t) continue;
    fields.push({ names: decl.childrenForFieldName('name').filter((x): x is Node => x !== null), type: compact(t.text), decl });
  }
  // A struct holding the context together with its cancel function owns that context's lifetime
  // (a server's base context, a worker's stop signal): that is the accepted exception.
  const pkg = contextType.slice(0, contextType.indexOf('.'));
  if (fields.some((f) => f.type === `${pkg}.CancelFunc` || f.type === `${pkg}.CancelCauseFunc`)) return;
  const typeName = struct.parent?.type === 'type_spec' ? struct.parent.childForFieldName('name')?.text : undefined;
  if (typeName && carriesContext(file, typeName, contextType)) return;
  const owner = typeName ? `struct \`${typeName}\`` : 'this struct';
  for (const f of fields) {
    // Embedding context.Context is how a type wraps a context (it is one); only named fields store it.
    if (f.type !== contextType) continue;
    for (const name of f.names) {
      report({
        node: f.decl,
        message:
          `${owner} stores a \`${contextType}\` in field \`${name.text}\`: pass it to each call instead, for a deadline per call`,
        related: typeName ? [{ span: { start: struct.parent!.startIndex, end: struct.parent!.endIndex }, message: `\`${typeName}\` is declared here` }] : [],
        steps: [
          `Some call creates the ${typeName ? `\`${typeName}\`` : 'struct'} value and fills \`${name.text}\` with its own context.`,
          'That call ends; its context may be cancelled or past its deadline.',
          `Later method calls keep using \`${name.text}\` instead of their caller's context, so they fail early or ignore the caller's deadline.`,
        ],
      });
    }
  }
}
