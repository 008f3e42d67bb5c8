import type { FileFacts } from './facts';
import type { Node } from '../syntax/parser';

/**
 * The file's text outside function bodies and comments: what every function's summary may read
 * besides its own text (typing in a doc comment keeps every summary).
 *
 * The names of parameters and results are left out too (`func poll(ctx context.Context)` reads
 * as `func poll( context.Context)`): in Go they are seen only by the body of their own function,
 * and a function whose signature changes is a declaration the edit touched, reviewed again with
 * its own summary. Renaming a parameter then keeps every other function's summary.
 */
export function skeletonOf(facts: FileFacts): string {
  let skeleton = skeletons.get(facts);
  if (skeleton === undefined) skeletons.set(facts, (skeleton = readSkeleton(facts)));
  return skeleton;
}

/** Each file's skeleton, once: the summary cache and the editor's review context both ask for it. */
const skeletons = new WeakMap<FileFacts, string>();

function readSkeleton(facts: FileFacts): string {
  const parts: string[] = [];
  for (const c of facts.root.children) if (c.type !== 'comment') parts.push(partOf(c));
  return parts.join('');
}

/**
 * One top-level declaration's part of the skeleton, kept with its node: a declaration the edit
 * did not touch is the same node in the next tree (see copyTree), with the same text.
 */
function partOf(c: Node): string {
  let part = parts.get(c);
  if (part !== undefined) return part;
  const body = c.type === 'function_declaration' || c.type === 'method_declaration' ? c.childForFieldName('body') : null;
  const end = body ? body.startIndex : c.endIndex;
  // The text without the comments inside it (a struct field's, a var block's) and without parameter names.
  const cuts = [...c.descendantsOfType('comment'), ...parameterNames(c)].filter((n) => n.startIndex < end).sort((a, b) => a.startIndex - b.startIndex);
  const text = c.text;
  const out: string[] = [];
  let at = 0;
  for (const cut of cuts) {
    out.push(text.slice(at, cut.startIndex - c.startIndex));
    at = cut.endIndex - c.startIndex;
  }
  out.push(text.slice(at, end - c.startIndex), '\n');
  part = out.join('');
  parts.set(c, part);
  return part;
}

const parts = new WeakMap<Node, string>();

/** The name identifiers of the parameters and named results in a declaration. */
function parameterNames(decl: Node): Node[] {
  const out: Node[] = [];
  for (const d of decl.descendantsOfType(['parameter_declaration', 'variadic_parameter_declaration'])) out.push(...d.childrenForFieldName('name'));
  return out;
}
