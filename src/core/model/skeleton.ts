import type { FileFacts } from './facts';

/**
 * The file's text outside function bodies and comments: what every function's summary may read
 * besides its own text (typing in a doc comment keeps every summary).
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
  let k = 0;
  for (const c of facts.root.children) {
    if (c.type === 'comment') continue;
    const body = c.type === 'function_declaration' || c.type === 'method_declaration' ? c.childForFieldName('body') : null;
    const end = body ? body.startIndex : c.endIndex;
    // The part's text without the comments inside it (a struct field's, a var block's).
    let at = c.startIndex;
    while (k < comments.length && comments[k].startIndex < c.startIndex) k++;
    for (; k < comments.length && comments[k].startIndex < end; k++) {
      parts.push(facts.text.slice(at, comments[k].startIndex));
      at = comments[k].endIndex;
    }
    parts.push(facts.text.slice(at, end), '\n');
  }
  return parts.join('');
}
