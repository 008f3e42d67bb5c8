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
  const comments = facts.root.descendantsOfType('comment');
  const names = parameterNames(facts);
  let k = 0;
  let p = 0;
  for (const c of facts.root.children) {
    if (c.type === 'comment') continue;
    const body = c.type === 'function_declaration' || c.type === 'method_declaration' ? c.childForFieldName('body') : null;
    const end = body ? body.startIndex : c.endIndex;
    // The part's text without the comments inside it (a struct field's, a var block's) and
    // without parameter names.
    let at = c.startIndex;
    while (k < comments.length && comments[k].startIndex < c.startIndex) k++;
    while (p < names.length && names[p].startIndex < c.startIndex) p++;
    for (;;) {
      const comment = k < comments.length && comments[k].startIndex < end ? comments[k] : undefined;
      const name = p < names.length && names[p].startIndex < end ? names[p] : undefined;
      const cut = comment && (!name || comment.startIndex < name.startIndex) ? comment : name;
      if (!cut) break;
      if (cut === comment) k++;
      else p++;
      parts.push(facts.text.slice(at, cut.startIndex));
      at = cut.endIndex;
    }
    parts.push(facts.text.slice(at, end), '\n');
  }
  return parts.join('');
}

/** The name identifiers of every parameter and named result in the file, in order. */
function parameterNames(facts: FileFacts): Node[] {
  const out: Node[] = [];
  for (const type of ['parameter_declaration', 'variadic_parameter_declaration']) {
    for (const d of facts.root.descendantsOfType(type)) {
      for (const c of d.childrenForFieldName('name')) out.push(c);
    }
  }
  return out.sort((a, b) => a.startIndex - b.startIndex);
}
