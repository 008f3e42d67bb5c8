/**
 * A JavaScript copy of a parse tree. Every property read on a web-tree-sitter node crosses into
 * WASM and allocates a new wrapper; rules read `parent`, fields and children thousands of times
 * per file, so the engine copies each tree once, in one cursor pass, into plain objects with the
 * same API subset (`type`, `text`, `parent`, `childForFieldName`, `namedChildren`, ...). The copy
 * is rebuilt after each (incremental) parse; the WASM tree stays the source of truth for
 * re-parsing. Anonymous leaves inside declarations (punctuation and keywords, a third of the
 * nodes) are kept as numbers in their parent and made only when its `children` are asked for.
 */
import type { Tree } from 'web-tree-sitter';
import type { CopyCursor } from './memoryCursor';
import type { SourceText, Span } from '../text/source';

export interface Point {
  row: number;
  column: number;
}

/** The children of every leaf: one shared, frozen empty list (most nodes are leaves). */
const NO_NODES = Object.freeze([]) as unknown as SyntaxNode[];

/** What the root and the top-level nodes keep beside the fields every node has. */
interface TopData {
  /** The tree this copy belongs to. */
  tree: SyntaxTree;
  /** On top-level nodes: the nodes of the subtree (itself included) by type, in id order. */
  index: TypeIndex | undefined;
}

/**
 * A top-level node's nodes by type: the numbers of the types present (see typeNumber) and a list
 * for each, in id order. Two exact-size arrays, not a Map: a file has one per declaration.
 */
export class TypeIndex {
  constructor(
    private readonly types: readonly number[],
    private readonly lists: readonly SyntaxNode[][],
  ) {}

  /** The nodes of one type, or undefined when there are none. */
  get(type: string): SyntaxNode[] | undefined {
    const n = typeNumbers.get(type);
    if (n === undefined) return undefined;
    const types = this.types;
    for (let i = 0; i < types.length; i++) if (types[i] === n) return this.lists[i];
    return undefined;
  }

  /** Every list (each node of the subtree is in one). */
  values(): readonly SyntaxNode[][] {
    return this.lists;
  }
}

// Node flags, kept in one number with the node's position among its parent's children above
// them (a copy is one object per node, and lives as long as its file).
const NAMED = 1;
const MISSING = 2;
const HAS_ERROR = 4;
/** Set once a node's anonymous leaves have been made (see `children`). */
const LEAVES_MADE = 8;
const FLAG_BITS = 15;
const INDEX_SHIFT = 4;

/**
 * An anonymous leaf inside a declaration (`(`, `,`, `:=`, `go`, `}`: a third of all nodes) is not
 * made as the copy is: its parent keeps five numbers for it (see `leaves`), and makes the nodes
 * the first time its `children` are asked for. Walks over named nodes never ask. Offsets and ids
 * are kept relative to the parent, so moving the parent moves them too.
 */
const LEAF_SLOT = 0;
const LEAF_TYPE = 1;
const LEAF_START = 2;
const LEAF_END = 3;
const LEAF_ID = 4;
const LEAF_SIZE = 5;
/** Added to LEAF_TYPE for a MISSING leaf. */
const LEAF_MISSING = 1 << 16;

export class SyntaxNode {
  parent: SyntaxNode | null = null;
  /**
   * The top-level node this one lies in (a child of the root; itself for one), null for the root.
   * A top-level node keeps the index of its subtree and the tree it belongs to, so moving it into
   * the next copy of the tree touches it alone, not every node below it.
   */
  top: SyntaxNode | null = null;
  /** On the root and on top-level nodes: their tree and index. */
  private own: TopData | undefined;
  /**
   * The children that are nodes: all of them, less the anonymous leaves not made yet (see
   * `leaves`). Leaves of the tree share one empty list.
   */
  private kids: SyntaxNode[] = NO_NODES;
  /** The anonymous leaves not made yet, LEAF_SIZE numbers each, in order; undefined when none. */
  private leaves: number[] | undefined;
  /** The field name of each child (parallel to `children`), made on the first child with one. */
  private fields: readonly (string | null)[] | undefined;
  /** The flags below and, from bit INDEX_SHIFT up, the position among the parent's children. */
  private flags: number;
  /** The largest id in this node's subtree: ids are given in document order, so a subtree is the id range [id, lastId]. */
  lastId: number;
  private named?: SyntaxNode[];

  constructor(
    public id: number,
    readonly type: string,
    isNamed: boolean,
    isMissing: boolean,
    public startIndex: number,
    public endIndex: number,
  ) {
    this.lastId = id;
    this.flags = (isNamed ? NAMED : 0) | (isMissing ? MISSING : 0);
  }

  /** Position of this node among its parent's children. */
  get indexInParent(): number {
    return this.flags >>> INDEX_SHIFT;
  }

  set indexInParent(i: number) {
    this.flags = (this.flags & FLAG_BITS) | (i << INDEX_SHIFT);
  }

  get isNamed(): boolean {
    return (this.flags & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return (this.flags & MISSING) !== 0;
  }

  /** True when this node or a descendant is an ERROR or MISSING node. */
  get hasError(): boolean {
    return (this.flags & HAS_ERROR) !== 0;
  }

  set hasError(value: boolean) {
    this.flags = value ? this.flags | HAS_ERROR : this.flags & ~HAS_ERROR;
  }

  /** On the root and on top-level nodes: the tree this copy belongs to. */
  get tree(): SyntaxTree | undefined {
    return this.own?.tree;
  }

  /** On top-level nodes: the nodes of the subtree (itself included) by type, in id order. */
  get index(): TypeIndex | undefined {
    return this.own?.index;
  }

  /** Gives a finished top-level node its index (lists in id order, by type). */
  setIndex(index: TypeIndex): void {
    this.own!.index = index;
  }

  /** Makes this node the root (no index) or a top-level node (with an empty index) of `tree`. */
  belongTo(tree: SyntaxTree, topLevel: boolean): void {
    this.own = { tree, index: topLevel ? EMPTY_INDEX : undefined };
  }

  /**
   * Moves this top-level subtree into a new copy of the tree (see copyTree): new tree, offsets
   * shifted and ids renumbered from `nextId` (in document order; the subtree keeps its shape, so
   * its index stays sorted). A subtree that neither moves nor changes ids is not walked at all.
   * Returns the next free id. The previous copy it came from is not valid afterwards.
   */
  adopt(tree: SyntaxTree, shift: number, nextId: number): number {
    this.own!.tree = tree;
    const idShift = nextId - this.id;
    const size = this.lastId - this.id;
    if (shift !== 0 || idShift !== 0) {
      // A top-level node's index holds every node of its subtree once: plain loops over arrays.
      for (const list of this.index!.values()) {
        for (const n of list) {
          n.id += idShift;
          n.lastId += idShift;
          n.startIndex += shift;
          n.endIndex += shift;
          if ((n.flags & LEAVES_MADE) !== 0) {
            for (const leaf of n.madeLeaves) {
              leaf.id += idShift;
              leaf.lastId += idShift;
              leaf.startIndex += shift;
              leaf.endIndex += shift;
            }
          }
        }
      }
    }
    return nextId + size + 1;
  }

  private get owner(): SyntaxTree {
    return (this.top ?? this).own!.tree;
  }

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

  /**
   * The children, in order. An anonymous leaf inside a declaration is made the first time its
   * parent's children are asked for (a walk over named nodes reads `nodeChildren` instead).
   */
  get children(): SyntaxNode[] {
    return this.leaves === undefined ? this.kids : this.makeLeaves();
  }

  /**
   * The children that are nodes already: `children` less the anonymous leaves not made yet (which
   * have no children and no name). Enough for a walk that visits named nodes only.
   */
  get nodeChildren(): SyntaxNode[] {
    return this.kids;
  }

  /** Whether this node has children (made or not). */
  get hasChildren(): boolean {
    return this.kids.length > 0 || this.leaves !== undefined;
  }

  private makeLeaves(): SyntaxNode[] {
    const leaves = this.leaves!;
    const kids = this.kids;
    const all: SyntaxNode[] = new Array(kids.length + leaves.length / LEAF_SIZE);
    let k = 0;
    let l = 0;
    for (let i = 0; i < all.length; i++) {
      if (l < leaves.length && leaves[l + LEAF_SLOT] === i) {
        const t = leaves[l + LEAF_TYPE];
        const missing = t >= LEAF_MISSING;
        const leaf = new SyntaxNode(this.id + leaves[l + LEAF_ID], typeNames[missing ? t - LEAF_MISSING : t], false, missing, this.startIndex + leaves[l + LEAF_START], this.startIndex + leaves[l + LEAF_END]);
        leaf.parent = this;
        leaf.top = this.top;
        leaf.flags |= (i << INDEX_SHIFT) | (missing ? HAS_ERROR : 0);
        all[i] = leaf;
        l += LEAF_SIZE;
      } else all[i] = kids[k++];
    }
    this.kids = all;
    this.leaves = undefined;
    this.flags |= LEAVES_MADE;
    return all;
  }

  /**
   * The anonymous leaves made from `leaves` (see makeLeaves): they are in no index, so a move of
   * their parent (adopt) moves them through it.
   */
  get madeLeaves(): readonly SyntaxNode[] {
    return (this.flags & LEAVES_MADE) === 0 ? NO_NODES : this.kids.filter((c) => c.isMadeLeaf);
  }

  /** An anonymous leaf inside a declaration: made from its parent's numbers, in no index. */
  get isMadeLeaf(): boolean {
    return (this.flags & NAMED) === 0 && this.kids.length === 0 && this.leaves === undefined && this.top !== null && this.top !== this;
  }

  get childCount(): number {
    return this.children.length;
  }

  child(i: number): SyntaxNode | null {
    return this.children[i] ?? null;
  }

  /** The named children (the children array itself when every child is named: no copy is made). */
  get namedChildren(): SyntaxNode[] {
    if (this.named) return this.named;
    const children = this.kids; // the leaves not made yet are all anonymous
    let count = 0;
    for (let i = 0; i < children.length; i++) if (children[i].isNamed) count++;
    return (this.named = count === children.length ? children : count === 0 ? NO_NODES : children.filter((c) => c.isNamed));
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
    const i = this.fields ? this.fields.indexOf(name) : -1;
    return i >= 0 ? this.childAt(i) : null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    const fields = this.fields;
    if (!fields) return [];
    const out: SyntaxNode[] = [];
    for (let i = 0; i < fields.length; i++) if (fields[i] === name) out.push(this.childAt(i));
    return out;
  }

  /**
   * The i-th child, without making the anonymous leaves (see `leaves`) unless it is one of them:
   * a field's child is most often a named node (`operand` and `field` of `x.f`, not its `.`).
   */
  private childAt(i: number): SyntaxNode {
    const leaves = this.leaves;
    if (leaves === undefined) return this.kids[i];
    let before = 0;
    for (let l = 0; l < leaves.length; l += LEAF_SIZE) {
      const slot = leaves[l + LEAF_SLOT];
      if (slot === i) return this.makeLeaves()[i];
      if (slot > i) break;
      before++;
    }
    return this.kids[i - before];
  }

  /** The field name of the i-th child, or null. */
  fieldNameForChild(i: number): string | null {
    return this.fields?.[i] ?? null;
  }

  /**
   * Gives this node its children while the copy is made, in one exact-size array: an array
   * grown by pushes keeps room for 17 or more, and every copy lives as long as its file.
   * `nodes[i]` is LEAF for an anonymous leaf not made, whose numbers (absolute) are at
   * `leafData[i * LEAF_SIZE]`.
   */
  setChildren(nodes: SyntaxNode[], leafData: number[], fields: (string | null)[], from: number, to: number): void {
    if (from === to) return;
    let leaves = 0;
    for (let i = from; i < to; i++) if (nodes[i] === LEAF) leaves++;
    if (leaves === 0) this.kids = nodes.slice(from, to);
    else {
      const kids: SyntaxNode[] = new Array(to - from - leaves);
      const packed: number[] = new Array(leaves * LEAF_SIZE);
      let k = 0;
      let l = 0;
      for (let i = from; i < to; i++) {
        if (nodes[i] !== LEAF) {
          kids[k++] = nodes[i];
          continue;
        }
        const at = i * LEAF_SIZE;
        packed[l + LEAF_SLOT] = i - from;
        packed[l + LEAF_TYPE] = leafData[at + LEAF_TYPE];
        packed[l + LEAF_START] = leafData[at + LEAF_START] - this.startIndex;
        packed[l + LEAF_END] = leafData[at + LEAF_END] - this.startIndex;
        packed[l + LEAF_ID] = leafData[at + LEAF_ID] - this.id;
        l += LEAF_SIZE;
      }
      this.kids = kids;
      this.leaves = packed;
    }
    for (let i = from; i < to; i++) {
      if (fields[i] !== null) {
        this.fields = fieldList(fields, from, to);
        return;
      }
    }
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

  /**
   * This node and its descendants of the given types, in document order (as tree-sitter's own).
   * Answered from the tree's index of nodes by type: a subtree is a range of ids, found by binary
   * search, so asking the root for every call of a file costs the number of calls, not of nodes.
   */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const of = (t: string) => (this.top ? this.inRange(this.top.index!.get(t)) : this.owner.ofType(t, this));
    if (typeof types === 'string') return of(types);
    const lists = [...new Set(types)].map(of).filter((l) => l.length > 0);
    if (lists.length <= 1) return lists[0] ?? [];
    return lists.reduce(mergeById);
  }

  /** The nodes of an id-ordered list that lie in this subtree. */
  private inRange(list: SyntaxNode[] | undefined): SyntaxNode[] {
    if (!list || list.length === 0) return [];
    const from = lowerBound(list, this.id);
    const to = lowerBound(list, this.lastId + 1);
    return from === 0 && to === list.length ? list.slice() : list.slice(from, to);
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
      const field = item.parent ? item.parent.fieldNameForChild(item.indexInParent) : null;
      parts.push(`${parts.length > 0 && !parts[parts.length - 1].endsWith('(') ? ' ' : ''}${field ? field + ': ' : ''}(${item.isMissing ? 'MISSING ' : ''}${item.type}`);
      stack.push(')');
      const named = item.namedChildren;
      for (let i = named.length - 1; i >= 0; i--) stack.push(named[i]);
    }
    return parts.join('');
  }
}

export class SyntaxTree {
  /** Every node of the tree by type, in document (id) order: the top-level nodes' indexes, joined on first use. */
  private readonly byType = new Map<string, SyntaxNode[]>();
  constructor(readonly source: SourceText) {}

  /** The nodes of one type in the whole tree (a copy of the list). */
  ofType(type: string, root: SyntaxNode): SyntaxNode[] {
    let list = this.byType.get(type);
    if (!list) {
      list = root.type === type ? [root] : [];
      for (const c of root.children) {
        const own = c.index?.get(type);
        if (own) for (const n of own) list.push(n);
      }
      this.byType.set(type, list);
    }
    return list.slice();
  }
}

interface FieldTrie {
  /** The shared list of the sequence that ends here, once met. */
  list?: readonly (string | null)[];
  /** The sequences one field longer, by their last field. */
  next?: Map<string | null, FieldTrie>;
}
/** The shared lists, found by their sequence one field at a time (no key string is built). */
const fieldLists: FieldTrie = {};
let fieldListCount = 0;
const FIELD_LISTS = 4096;
/**
 * The field names of a node's children, one shared frozen list per sequence: a grammar has few
 * (a call is always `function`, `arguments`), and a copy lives as long as its file. Up to
 * FIELD_LISTS sequences are shared; rarer ones get a list of their own.
 */
function fieldList(fields: readonly (string | null)[], from: number, to: number): readonly (string | null)[] {
  let at = fieldLists;
  for (let i = from; i < to; i++) {
    const field = fields[i];
    let next = at.next?.get(field);
    if (!next) {
      if (fieldListCount >= FIELD_LISTS) return Object.freeze(fields.slice(from, to));
      next = {};
      (at.next ??= new Map()).set(field, next);
    }
    at = next;
  }
  if (!at.list) {
    at.list = Object.freeze(fields.slice(from, to));
    fieldListCount++;
  }
  return at.list;
}

/** Node types by number, for the counting sort that makes a top-level node's index (see copyTree). */
const typeNumbers = new Map<string, number>();
const typeNames: string[] = [];
function typeNumber(type: string): number {
  let n = typeNumbers.get(type);
  if (n === undefined) {
    n = typeNames.length;
    typeNumbers.set(type, n);
    typeNames.push(type);
  }
  return n;
}
/** Type numbers by the grammar's symbol (cursor.nodeTypeId), filled as nodes are met: one grammar is loaded. */
const typeOfSymbol: number[] = [];

/** The type number of the cursor's node, found by its symbol (a string's hash is dearer). */
function typeOf(cursor: CopyCursor): number {
  const symbol = cursor.nodeTypeId;
  const type = typeOfSymbol[symbol];
  return type !== undefined ? type : (typeOfSymbol[symbol] = typeNumber(cursor.nodeType));
}
/** The counting sort's counts by type number, all zero between uses (copies are made one at a time). */
let counts = new Int32Array(512);
/** The index of a top-level node until it is complete. */
const EMPTY_INDEX = new TypeIndex([], []);

/** Two id-ordered lists of distinct nodes as one id-ordered list (each node of a tree has one type, so no node is in both). */
function mergeById(a: SyntaxNode[], b: SyntaxNode[]): SyntaxNode[] {
  const out: SyntaxNode[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i].id < b[j].id ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

/** The first position of an id-ordered list whose id is at least `id`. */
function lowerBound(list: readonly SyntaxNode[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The copy of the tree before a one-change edit, and where that edit was (old offsets): the
 * top-level declarations it did not touch are moved from it into the new copy, shifted, instead
 * of being read through WASM again, and so are the untouched statements and expressions of the
 * declarations it did touch. The previous copy is not valid afterwards.
 */
export interface PreviousCopy {
  root: SyntaxNode;
  /** Start of the edit, and its end in the old text. */
  start: number;
  oldEnd: number;
  /** Length change: new offsets after the edit are old offsets plus delta. */
  delta: number;
  /** The new tree's ranges whose syntax tree-sitter found changed (Tree.getChangedRanges), new offsets. */
  changed: readonly Span[];
}

/**
 * Copies a web-tree-sitter tree (one cursor pass, iterative) into SyntaxNodes, with the cursor
 * `open` gives (the engine's reads tree-sitter's memory directly: see memoryCursor.ts). Returns undefined
 * when `deadline` (a Date.now() value) passes first: huge files must not stall the editor.
 * With `previous`, a top-level declaration wholly before or after the edit that tree-sitter
 * parsed to the same type, range (shifted) and size is moved over from the previous copy. Inside
 * a declaration the edit touched, so is a subtree with children wholly before or after the edit
 * and outside every range tree-sitter found changed, of the same type, range and size as a node
 * of the old declaration: editing one line of a long function copies that line's statement, not
 * the function.
 */
export function copyTree(tree: Tree, source: SourceText, deadline = Infinity, previous?: PreviousCopy, open: (tree: Tree) => CopyCursor = (t) => t.walk()): SyntaxNode | undefined {
  const owner = new SyntaxTree(source);
  const cursor = open(tree);
  let nextId = 0;
  // The nodes of the top-level node being made, in id order, with their types' numbers: its
  // index is made from them in one counting sort when it is complete (see `indexTop`).
  // These scratch arrays are used up to a count and never truncated: an array cut short gives
  // back its storage and grows it again, one allocation after another, for every declaration.
  // A count never passes its array's length, so writing at the count appends or overwrites.
  const topNodes: SyntaxNode[] = [];
  const topTypes: number[] = [];
  let topCount = 0;
  const sorted: SyntaxNode[] = [];
  const seenTypes: number[] = [];
  const index = (node: SyntaxNode, type = typeNumber(node.type)) => {
    if (!node.top) return; // the root, found by type through its tree
    topNodes[topCount] = node;
    topTypes[topCount++] = type;
  };
  /** The index of a complete top-level node: exact-size lists, each in id order. */
  const indexTop = (top: SyntaxNode) => {
    const n = topCount;
    if (counts.length < typeNames.length) counts = new Int32Array(typeNames.length * 2);
    let kinds = 0;
    for (let i = 0; i < n; i++) if (counts[topTypes[i]]++ === 0) seenTypes[kinds++] = topTypes[i];
    const seen = seenTypes.slice(0, kinds);
    let at = 0;
    for (const t of seen) {
      const c = counts[t];
      counts[t] = at; // from here on, where the next node of type t goes
      at += c;
    }
    while (sorted.length < n) sorted.push(top); // grown by pushes, so its lists stay packed arrays
    for (let i = 0; i < n; i++) sorted[counts[topTypes[i]]++] = topNodes[i];
    const lists: SyntaxNode[][] = new Array(seen.length);
    at = 0;
    for (let i = 0; i < seen.length; i++) {
      const t = seen[i];
      lists[i] = sorted.slice(at, counts[t]);
      at = counts[t];
      counts[t] = 0;
    }
    top.setIndex(new TypeIndex(seen, lists));
    topCount = 0;
  };
  // The children of the nodes being made, in order, with their fields: a node gets its own as
  // one array when it is complete (see setChildren). `making` holds the nodes being made, and
  // `openFrom` where their children begin in `pending`.
  const pending: SyntaxNode[] = [];
  const pendingFields: (string | null)[] = [];
  /** For a pending LEAF at i: its type number, start, end and id at i * LEAF_SIZE (absolute). */
  const pendingLeaves: number[] = [];
  let pendingCount = 0;
  const making: SyntaxNode[] = [];
  const openFrom: number[] = [];
  const attach = (node: SyntaxNode, parent: SyntaxNode | null, field: string | null) => {
    if (!parent) return;
    node.parent = parent;
    node.indexInParent = pendingCount - openFrom[openFrom.length - 1];
    pending[pendingCount] = node;
    pendingFields[pendingCount++] = field;
  };
  /** A node the cursor will walk into: its children are collected from here on. */
  const enter = (node: SyntaxNode): SyntaxNode => {
    making.push(node);
    openFrom.push(pendingCount);
    return node;
  };
  /** A complete node: made ones take their children (moved ones have theirs already). */
  const complete = (node: SyntaxNode) => {
    if (node === LEAF) return;
    node.lastId = nextId - 1;
    if (making[making.length - 1] !== node) return;
    making.pop();
    const from = openFrom.pop()!;
    node.setChildren(pending, pendingLeaves, pendingFields, from, pendingCount);
    pendingCount = from;
    if (node.top === node) indexTop(node);
  };
  /**
   * An anonymous leaf inside a declaration, left for its parent to make when asked (see
   * `SyntaxNode.children`): its numbers go beside the pending children, and the copy goes on from
   * the LEAF sentinel, whose parent is set to the leaf's.
   */
  const leaf = (parent: SyntaxNode): SyntaxNode => {
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const missing = start === end && cursor.nodeIsMissing;
    const at = pendingCount * LEAF_SIZE;
    pendingLeaves[at + LEAF_TYPE] = typeOf(cursor) + (missing ? LEAF_MISSING : 0);
    pendingLeaves[at + LEAF_START] = start;
    pendingLeaves[at + LEAF_END] = end;
    pendingLeaves[at + LEAF_ID] = nextId++;
    LEAF.parent = parent;
    attach(LEAF, parent, cursor.currentFieldName);
    if (missing) for (let n: SyntaxNode | null = parent; n && !n.hasError; n = n.parent) n.hasError = true;
    return LEAF;
  };
  const make = (parent: SyntaxNode | null): SyntaxNode => {
    const named = cursor.nodeIsNamed;
    if (!named && parent?.top) {
      if (!cursor.gotoFirstChild()) return leaf(parent);
      cursor.gotoParent(); // an anonymous node with children is made
    }
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const typeNo = typeOf(cursor);
    const type = typeNames[typeNo];
    // Only zero-width nodes can be MISSING; asking costs a WASM call, so ask only those.
    const missing = start === end && cursor.nodeIsMissing;
    const node = new SyntaxNode(nextId++, type, named, missing, start, end);
    if (!parent) node.belongTo(owner, false);
    else if (!parent.top) {
      node.top = node;
      node.belongTo(owner, true);
    } else node.top = parent.top;
    index(node, typeNo);
    attach(node, parent, cursor.currentFieldName);
    if (missing || type === 'ERROR') for (let n: SyntaxNode | null = node; n && !n.hasError; n = n.parent) n.hasError = true;
    return enter(node);
  };
  /** A new top-level node (one the edit touched): the old nodes below it may be moved into it. */
  const made = (root: SyntaxNode): SyntaxNode => {
    const node = make(root);
    if (previous) oldInside(node.startIndex, node.endIndex);
    return node;
  };
  /** The old subtree, moved into this copy in place of a node the cursor would have copied. */
  const reuse = (old: SyntaxNode, parent: SyntaxNode, field: string | null, shift: number): SyntaxNode => {
    nextId = old.adopt(owner, shift, nextId);
    attach(old, parent, field);
    if (old.hasError) parent.hasError = true;
    return old;
  };
  /** The old top-level nodes, looked up in order (the cursor meets their counterparts in order). */
  const oldTop = previous?.root.children ?? [];
  let oldNext = 0;
  /** Where a node wholly before or after the edit moves by, or undefined for one that overlaps it. */
  const shiftOf = (start: number, end: number): number | undefined => {
    if (!previous) return undefined;
    if (end < previous.start) return 0;
    if (start > previous.oldEnd + previous.delta) return previous.delta;
    return undefined;
  };
  /** Nodes below the old declarations the edit touched, by old start offset (see `oldInside`). */
  const oldBelow = new Map<number, SyntaxNode[]>();
  const indexed = new Set<SyntaxNode>();
  /** The nodes of `oldBelow` already moved (each old node stands for one new node). */
  const reused = new Set<SyntaxNode>();
  /** Makes the nodes below the old top-level nodes that overlap new range [start, end] findable. */
  const oldInside = (start: number, end: number) => {
    if (!previous) return;
    const newEditEnd = previous.oldEnd + previous.delta;
    const from = start <= previous.start ? start : start >= newEditEnd ? start - previous.delta : previous.start;
    const to = end <= previous.start ? end : end >= newEditEnd ? end - previous.delta : previous.oldEnd;
    for (const top of previous.root.children) {
      if (top.endIndex < from || top.startIndex > to || indexed.has(top)) continue;
      indexed.add(top);
      for (const list of top.index!.values()) {
        for (const n of list) {
          if (n === top || !n.hasChildren || n.hasError) continue;
          const same = oldBelow.get(n.startIndex);
          if (same) same.push(n);
          else oldBelow.set(n.startIndex, [n]);
        }
      }
    }
  };
  /** The old node below a touched declaration that can stand for the cursor's node, and the shift. */
  const reusableBelow = (): { old: SyntaxNode; shift: number } | undefined => {
    if (oldBelow.size === 0) return undefined;
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const shift = shiftOf(start, end);
    if (shift === undefined) return undefined;
    const candidates = oldBelow.get(start - shift);
    if (!candidates) return undefined;
    for (const r of previous!.changed) if (r.start <= end && start <= r.end) return undefined;
    const type = cursor.nodeType;
    const old = candidates.find((c) => c.type === type && c.endIndex + shift === end && !reused.has(c));
    if (!old) return undefined;
    reused.add(old);
    return moving(old, shift);
  };
  /** Moves an old subtree below a new top-level node: every node gets its new id, offsets and top. */
  const reuseBelow = (old: SyntaxNode, parent: SyntaxNode, field: string | null, shift: number): SyntaxNode => {
    const idShift = nextId - old.id;
    const top = parent.top!;
    const stack = [old];
    while (stack.length > 0) {
      const n = stack.pop()!;
      n.id += idShift;
      n.lastId += idShift;
      n.startIndex += shift;
      n.endIndex += shift;
      n.top = top;
      if (!n.isMadeLeaf) index(n); // in document order: children are taken first to last
      const kids = n.nodeChildren;
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    nextId = old.lastId + 1;
    attach(old, parent, field);
    return old;
  };
  /** The old top-level node that can stand for the cursor's node, and the shift. */
  const reusable = (): { old: SyntaxNode; shift: number } | undefined => {
    if (!previous) return undefined;
    const start = cursor.startIndex;
    const end = cursor.endIndex;
    const shift = shiftOf(start, end);
    if (shift === undefined) return undefined;
    while (oldNext < oldTop.length && oldTop[oldNext].startIndex < start - shift) oldNext++;
    const old = oldTop[oldNext];
    if (!old || old.startIndex !== start - shift || old.endIndex + shift !== end || old.type !== cursor.nodeType) return undefined;
    return moving(old, shift);
  };
  /**
   * Where tree-sitter's count of nodes stood against ours at the last moved node, until checked.
   * Same place and type; the same number of nodes below says tree-sitter read it the same way.
   * That number is checked once the cursor has passed the node (see `passed`): asking the cursor
   * for its node here would make a WASM node object for every moved node.
   */
  let unchecked: number | undefined;
  /** An old node the cursor's node will be moved from, its count left to check. */
  const moving = (old: SyntaxNode, shift: number): { old: SyntaxNode; shift: number } => {
    unchecked = cursor.currentDescendantIndex - nextId;
    return { old, shift };
  };
  /** Verifies the last moved node's size once the next node's count (`index`) is known. */
  const passed = (index: number) => {
    if (unchecked !== undefined && index - nextId !== unchecked) throw SIZE_CHANGED;
    unchecked = undefined;
  };
  const rootNode = tree.rootNode;
  try {
    const root = make(null);
    // A MISSING token that tree-sitter inserts between top-level statements (`funcx (w *T) f() {`
    // leaves a missing terminator) is not on the cursor's path: ask the tree itself, once.
    if (rootNode.hasError) root.hasError = true;
    let node = root;
    for (;;) {
      if ((nextId & 0xfff) === 0 && Date.now() > deadline) return undefined;
      if (node !== LEAF && cursor.gotoFirstChild()) {
        if (node === root) {
          const found = reusable();
          if (!found) {
            node = made(node);
            continue;
          }
          node = reuse(found.old, root, cursor.currentFieldName, found.shift);
        } else {
          const found = reusableBelow();
          if (!found) {
            node = make(node);
            continue;
          }
          node = reuseBelow(found.old, node, cursor.currentFieldName, found.shift);
        }
      }
      for (;;) {
        complete(node); // its subtree is complete
        if (node === root) {
          if (unchecked !== undefined) passed(rootNode.descendantCount);
          return root;
        }
        if (cursor.gotoNextSibling()) {
          const parent = node.parent!;
          if (unchecked !== undefined) passed(cursor.currentDescendantIndex);
          if (parent === root) {
            const found = reusable();
            if (found) {
              node = reuse(found.old, parent, cursor.currentFieldName, found.shift);
              continue; // a finished subtree: on to its next sibling
            }
            node = made(parent);
            break;
          }
          const found = reusableBelow();
          if (found) {
            node = reuseBelow(found.old, parent, cursor.currentFieldName, found.shift);
            continue;
          }
          node = make(parent);
          break;
        }
        cursor.gotoParent();
        node = node.parent!;
      }
    }
  } catch (e) {
    if (e !== SIZE_CHANGED) throw e;
    // A moved declaration that tree-sitter read with another number of nodes: copy afresh.
    return copyTree(tree, source, deadline, undefined, open);
  } finally {
    cursor.delete();
    LEAF.parent = null; // the sentinel must not keep this copy alive
  }
}

/** Stands, in the copy's list of pending children, for an anonymous leaf not made (see setChildren). */
const LEAF = new SyntaxNode(-1, '', false, false, 0, 0);

/** Thrown inside copyTree when a moved declaration turns out to differ (see `passed`). */
const SIZE_CHANGED = new Error('a moved declaration changed size');
