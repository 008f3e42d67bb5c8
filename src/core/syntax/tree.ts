/**
 * A JavaScript copy of a parse tree. Every property read on a web-tree-sitter node crosses into
 * WASM and allocates a new wrapper; rules read `parent`, fields and children thousands of times
 * per file, so the engine copies each tree once, in one cursor pass, into plain objects with the
 * same API subset (`type`, `text`, `parent`, `childForFieldName`, `namedChildren`, ...). The copy
 * is rebuilt after each (incremental) parse; the WASM tree stays the source of truth for
 * re-parsing.
 */
import type { Tree } from 'web-tree-sitter';
import type { SourceText } from '../text/source';

export interface Point {
  row: number;
  column: number;
}

export class SyntaxNode {
  parent: SyntaxNode | null = null;
  readonly children: SyntaxNode[] = [];
  /** The field name of each child (parallel to `children`), or null. */
  readonly childFields: (string | null)[] = [];
  /** Position of this node among its parent's children. */
  indexInParent = 0;
  /** True when this node or a descendant is an ERROR or MISSING node. */
  hasError = false;
  private named?: SyntaxNode[];

  constructor(
    private readonly owner: SyntaxTree,
    readonly id: number,
    readonly type: string,
    readonly isNamed: boolean,
    readonly isMissing: boolean,
    readonly startIndex: number,
    readonly endIndex: number,
  ) {}

  get text(): string {
    return this.owner.source.text.slice(this.startIndex, this.endIndex);
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  get startPosition(): Point {
    const p = this.owner.source.positionAt(this.startIndex);
    return { row: p.line, column: p.character };
  }

  get endPosition(): Point {
    const p = this.owner.source.positionAt(this.endIndex);
    return { row: p.line, column: p.character };
  }

  get childCount(): number {
    return this.children.length;
  }

  child(i: number): SyntaxNode | null {
    return this.children[i] ?? null;
  }

  get namedChildren(): SyntaxNode[] {
    return (this.named ??= this.children.filter((c) => c.isNamed));
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  namedChild(i: number): SyntaxNode | null {
    return this.namedChildren[i] ?? null;
  }

  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }

  get lastChild(): SyntaxNode | null {
    return this.children[this.children.length - 1] ?? null;
  }

  childForFieldName(name: string): SyntaxNode | null {
    const i = this.childFields.indexOf(name);
    return i >= 0 ? this.children[i] : null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((_, i) => this.childFields[i] === name);
  }

  get nextSibling(): SyntaxNode | null {
    return this.parent?.children[this.indexInParent + 1] ?? null;
  }

  get previousSibling(): SyntaxNode | null {
    return this.parent?.children[this.indexInParent - 1] ?? null;
  }

  get nextNamedSibling(): SyntaxNode | null {
    const siblings = this.parent?.children ?? [];
    for (let i = this.indexInParent + 1; i < siblings.length; i++) if (siblings[i].isNamed) return siblings[i];
    return null;
  }

  get previousNamedSibling(): SyntaxNode | null {
    const siblings = this.parent?.children ?? [];
    for (let i = this.indexInParent - 1; i >= 0; i--) if (siblings[i].isNamed) return siblings[i];
    return null;
  }

  /** This node and its descendants of the given types, in document order (as tree-sitter's own). */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const set = typeof types === 'string' ? new Set([types]) : new Set(types);
    const out: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [this];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (set.has(n.type)) out.push(n);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    return out;
  }

  /** The smallest node that contains [start, end]. */
  descendantForIndex(start: number, end = start): SyntaxNode {
    let n: SyntaxNode = this;
    for (;;) {
      const next = n.children.find((c) => c.startIndex <= start && end <= c.endIndex && !(c.startIndex === c.endIndex && c.startIndex !== start));
      if (!next) return n;
      n = next;
    }
  }

  equals(other: SyntaxNode): boolean {
    return this === other;
  }

  /** The S-expression of named nodes, as tree-sitter prints it (for tests and debugging). */
  toString(): string {
    const parts: string[] = [];
    const stack: (SyntaxNode | string)[] = [this];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (typeof item === 'string') {
        parts.push(item);
        continue;
      }
      const field = item.parent ? item.parent.childFields[item.indexInParent] : null;
      parts.push(`${parts.length > 0 && !parts[parts.length - 1].endsWith('(') ? ' ' : ''}${field ? field + ': ' : ''}(${item.isMissing ? 'MISSING ' : ''}${item.type}`);
      stack.push(')');
      const named = item.namedChildren;
      for (let i = named.length - 1; i >= 0; i--) stack.push(named[i]);
    }
    return parts.join('');
  }
}

export class SyntaxTree {
  constructor(readonly source: SourceText) {}
}

/**
 * Copies a web-tree-sitter tree (one cursor pass, iterative) into SyntaxNodes. Returns undefined
 * when `deadline` (a Date.now() value) passes first: huge files must not stall the editor.
 */
export function copyTree(tree: Tree, source: SourceText, deadline = Infinity): SyntaxNode | undefined {
  const owner = new SyntaxTree(source);
  const cursor = tree.walk();
  let nextId = 0;
  const make = (parent: SyntaxNode | null): SyntaxNode => {
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const type = cursor.nodeType;
    // Only zero-width nodes can be MISSING; asking costs a WASM call, so ask only those.
    const missing = start === end && cursor.nodeIsMissing;
    const node = new SyntaxNode(owner, nextId++, type, cursor.nodeIsNamed, missing, start, end);
    if (parent) {
      node.parent = parent;
      node.indexInParent = parent.children.length;
      parent.children.push(node);
      parent.childFields.push(cursor.currentFieldName);
    }
    if (missing || type === 'ERROR') for (let n: SyntaxNode | null = node; n && !n.hasError; n = n.parent) n.hasError = true;
    return node;
  };
  try {
    const root = make(null);
    let node = root;
    for (;;) {
      if ((nextId & 0xfff) === 0 && Date.now() > deadline) return undefined;
      if (cursor.gotoFirstChild()) {
        node = make(node);
        continue;
      }
      for (;;) {
        if (node === root) return root;
        if (cursor.gotoNextSibling()) {
          node = make(node.parent);
          break;
        }
        cursor.gotoParent();
        node = node.parent!;
      }
    }
  } finally {
    cursor.delete();
  }
}
