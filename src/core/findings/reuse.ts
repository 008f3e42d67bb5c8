/**
 * Findings carried from one review of an open document to the next. After a keystroke most
 * declarations of a file are untouched: the parser moves their syntax nodes into the new tree
 * (see copyTree), and when the package the rules see did not change in meaning either, a rule's
 * findings in those declarations are the ones it reported last time, moved by the length of the
 * edit. Such a rule then only needs to look at the declarations in focus: those the edit touched.
 *
 * What "did not change in meaning" covers is the review's context: the options, the file's
 * skeleton (everything outside function bodies and comments), the other files of the package, and
 * the file's summary with its positions left out (what every cross-function question is answered
 * from), compared part by part. The one part compared otherwise is the list of unexported field
 * names the file reads: a name that comes or goes puts the declarations that mention it in focus. A rule whose findings in one declaration can depend on another declaration's body beyond
 * its summary declares `scope: 'file'` and is re-run whole (see Rule.scope).
 *
 * Carrying is exact or not done: an edit that adds or removes a line break, a finding with a
 * position on the edited line or inside the edit, or one outside every declaration sends its
 * declaration (or its rule) back to the rules. The tests compare carried findings with a fresh
 * review after hundreds of random edits (test/incremental.test.ts).
 *
 * One exception is made on purpose, while the code does not compile: the file does not parse,
 * or a function being typed into names something nothing declares (see model/undefined.ts). A
 * half-typed keyword (`returnx`, `ifx`) or name (`itx`, a parameter renamed before its uses)
 * breaks one function, and with it its summary: every cross-function answer about it changes for
 * a moment, and a fresh review would drop or add findings all over the file for the length of a
 * keystroke. Such a review is *held*: the declarations being typed in are
 * reviewed as they now are, and the others keep the findings of the context they were computed in
 * (the last one that was compared equal), which the memory keeps. The declarations reviewed in a
 * held context stay in focus until a review that is not held looks at them again, so once the file
 * parses, the review is exact again.
 */
import type { Node } from '../syntax/parser';
import type { SourceText, Span } from '../text/source';
import { utf8Length } from '../text/source';
import type { Finding } from './rule';

/**
 * What a review's findings depend on beyond the declarations' own text: `fixed` (the options, the
 * package's other files) must be equal to carry anything; `code` (what this file says to its other
 * declarations: skeleton and summaries) may differ only in a held review.
 */
export interface ReviewContext {
  fixed: readonly string[];
  code: readonly string[];
}

interface Last {
  text: string;
  context: ReviewContext;
  /** The unexported field names the file's summary says it reads (FileSummary.fieldReads). */
  reads: readonly string[];
  /** The root's children at that review, as objects: a child found again in the new tree is unchanged. */
  top: ReadonlySet<Node>;
  /** Findings of rules with declaration scope, each with the top-level nodes its positions lie in. */
  byRule: Map<string, { finding: Finding; owners: (Node | undefined)[] }[]>;
  /** Declarations last reviewed in a held review's context, not in `context`: in focus until reviewed in it. */
  held: ReadonlySet<Node>;
}

/** What one review may take over from the last one. */
export interface Carry {
  /** True when `node` lies in a declaration the rules must look at again. */
  inFocus(node: Node): boolean;
  /** True when a finding of this review belongs to it: one of its positions lies in focus (or outside every declaration). */
  keeps(finding: Finding): boolean;
  /** The last review's findings of a rule outside the focus, moved to the new text; undefined when the rule must run whole. */
  carried(ruleId: string): Finding[] | undefined;
}

export class ReviewMemory {
  private last: Last | undefined;
  /** The focus of a held review planned last, for `remember`. */
  private holding: Set<Node> | undefined;
  /** The tree the last plan was for and its top-level nodes as a set, which `remember` keeps. */
  private planned: { root: Node; present: ReadonlySet<Node> } | undefined;
  /**
   * Reviews that carried findings, and how many findings they carried; of those, the reviews held
   * while the file did not parse (for the bench and tests).
   */
  readonly stats = { reviews: 0, carrying: 0, carried: 0, focused: 0, held: 0 };

  /** Forgets the last review (a review that did not finish, a skipped file). */
  clear(): void {
    this.last = undefined;
    this.holding = undefined;
    this.planned = undefined;
  }

  /**
   * What the review of `text` can carry over, or undefined when it must run every rule whole.
   * `root` is the new tree; `context` names everything else the findings depend on.
   *
   * The focus starts with the declarations the edit replaced. A finding links the declarations
   * its positions lie in (a leak reported at a worker's send, found from the function that makes
   * the channel and returns early): when one of them is in focus, all are, so the rule looks at
   * the function that found it again.
   */
  plan(root: Node, source: SourceText, context: ReviewContext, reads: readonly string[], halfTyped?: (edited: readonly Node[]) => boolean): Carry | undefined {
    this.stats.reviews++;
    this.holding = undefined;
    this.planned = undefined;
    const last = this.last;
    if (!last || !sameParts(last.context.fixed, context.fixed)) return undefined;
    // A file whose code changed in meaning while it does not parse, or while a function being
    // typed into names something nothing declares, is held (see the top of this file).
    const held = !sameParts(last.context.code, context.code);
    if (held && !root.hasError && !(halfTyped && halfTypedEdit(root, last.top, halfTyped))) return undefined;
    const moved = shiftOf(last.text, source);
    if (!moved) return undefined;
    const top = root.children;
    const present = new Set(top);
    this.planned = { root, present };
    const focus = new Set<Node>();
    for (const n of last.held) if (present.has(n)) focus.add(n);
    // A field name the file starts or stops reading (typing `s.donex`) changes what
    // PackageView.fieldReadInProgram answers for that name alone, and a rule asks it only about a
    // field its declaration names: those declarations join the focus.
    const changed = changedNames(last.reads, reads);
    if (changed.length > 0) {
      const word = new RegExp(`\\b(${changed.join('|')})\\b`);
      for (const n of top) if (word.test(n.text)) focus.add(n);
    }
    for (let i = 0; i < top.length; i++) {
      const n = top[i];
      if (last.top.has(n)) continue;
      focus.add(n);
      // A doc comment belongs to what it documents (a rule may read it).
      if (n.type === 'comment') {
        for (let j = i + 1; j < top.length; j++) {
          if (top[j].type === 'comment') continue;
          focus.add(top[j]);
          break;
        }
      }
    }
    const whole = new Set<string>();
    const candidates: { ruleId: string; finding: Finding; owners: Node[] }[] = [];
    for (const [ruleId, list] of last.byRule) {
      for (const { finding, owners } of list) {
        if (owners.some((o) => o === undefined)) {
          whole.add(ruleId);
          break;
        }
        const mine = owners as Node[];
        const movedFinding = mine.every((o) => present.has(o)) ? moveFinding(finding, moved) : undefined;
        if (movedFinding) candidates.push({ ruleId, finding: movedFinding, owners: mine });
        else for (const o of mine) if (present.has(o)) focus.add(o);
      }
    }
    // Linked declarations join the focus, until nothing changes.
    for (let grew = true; grew; ) {
      grew = false;
      for (const c of candidates) {
        if (!c.owners.some((o) => focus.has(o))) continue;
        for (const o of c.owners) if (!focus.has(o)) {
          focus.add(o);
          grew = true;
        }
      }
    }
    const carried = new Map<string, Finding[]>();
    for (const ruleId of last.byRule.keys()) if (!whole.has(ruleId)) carried.set(ruleId, []);
    for (const c of candidates) if (!whole.has(c.ruleId) && !c.owners.some((o) => focus.has(o))) carried.get(c.ruleId)!.push(c.finding);
    this.stats.carrying++;
    this.stats.focused += focus.size;
    if (held) {
      this.stats.held++;
      this.holding = focus;
    }
    // Rules ask for every node they visit: a binary search over the declarations in focus (a
    // held review of a file whose parse broke far may have thousands).
    const starts: number[] = [];
    const ends: number[] = [];
    for (const n of [...focus].sort((a, b) => a.startIndex - b.startIndex)) {
      starts.push(n.startIndex);
      ends.push(n.endIndex);
    }
    return {
      inFocus: (node) => {
        const at = node.startIndex;
        let lo = 0;
        let hi = starts.length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >> 1;
          if (at < starts[mid]) hi = mid - 1;
          else if (at >= ends[mid]) lo = mid + 1;
          else return true;
        }
        return false;
      },
      // A held review keeps the others' findings of the last context: a finding that lies in a
      // declaration out of focus is one of those, even when it points into one being typed in.
      keeps: held
        ? (finding) => {
            const o = ownerAt(top, finding.span.start);
            return !o || focus.has(o);
          }
        : (finding) => ownersOf(top, finding).some((o) => !o || focus.has(o)),
      carried: (ruleId) => {
        const list = carried.get(ruleId);
        if (list) this.stats.carried += list.length;
        return list;
      },
    };
  }

  /**
   * Remembers a finished review: its text, context and the findings of rules with declaration
   * scope. After a held review the context stays the one its carried findings were computed in.
   */
  remember(root: Node, text: string, context: ReviewContext, reads: readonly string[], byRule: ReadonlyMap<string, readonly Finding[]>): void {
    const top = root.children;
    const owned = new Map<string, { finding: Finding; owners: (Node | undefined)[] }[]>();
    for (const [ruleId, findings] of byRule) owned.set(ruleId, findings.map((finding) => ({ finding, owners: ownersOf(top, finding) })));
    const held = this.holding;
    this.holding = undefined;
    const last = this.last;
    const present = this.planned?.root === root ? this.planned.present : new Set(top);
    this.planned = undefined;
    this.last =
      held && last
        ? { text, context: last.context, reads: last.reads, top: present, byRule: owned, held }
        : { text, context, reads, top: present, byRule: owned, held: new Set() };
  }
}

/**
 * True when the declarations the edit replaced are all functions (besides comments) and one of
 * them is half-typed by `halfTyped`'s measure: a change to a type, a variable or the imports is
 * never held while the file parses.
 */
function halfTypedEdit(root: Node, lastTop: ReadonlySet<Node>, halfTyped: (edited: readonly Node[]) => boolean): boolean {
  const edited = root.children.filter((n) => !lastTop.has(n) && n.type !== 'comment');
  return edited.length > 0 && edited.every((n) => n.type === 'function_declaration' || n.type === 'method_declaration') && halfTyped(edited);
}

/** Equal lists of strings (parts that did not change are mostly the same string objects). */
function sameParts(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The names in one sorted list and not the other. */
function changedNames(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i] < b[j])) out.push(a[i++]);
    else if (i >= a.length || b[j] < a[i]) out.push(b[j++]);
    else {
      i++;
      j++;
    }
  }
  return out;
}

/** The top-level nodes the finding's positions lie in (its squiggle, related places and fix edits), each once. */
function ownersOf(top: readonly Node[], f: Finding): (Node | undefined)[] {
  const out = new Set<Node | undefined>([ownerAt(top, f.span.start)]);
  for (const r of f.related) out.add(ownerAt(top, r.span.start));
  for (const x of f.fixes) for (const e of x.edits) out.add(ownerAt(top, e.start));
  return [...out];
}

/** The top-level node whose range holds `offset`, by binary search; undefined between them. */
function ownerAt(top: readonly Node[], offset: number): Node | undefined {
  let lo = 0;
  let hi = top.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const n = top[mid];
    if (offset < n.startIndex) hi = mid - 1;
    else if (offset >= n.endIndex) lo = mid + 1;
    else return n;
  }
  return undefined;
}

interface Shift {
  /** Old offsets in [from, to] cannot be moved: the edit and the rest of its line. */
  from: number;
  to: number;
  /** Old offsets past `to` move by these. */
  delta: number;
  byteDelta: number;
}

/**
 * How the old text became the new one, as a single replacement that adds or removes no line
 * break; undefined otherwise.
 */
function shiftOf(old: string, source: SourceText): Shift | undefined {
  const text = source.text;
  let p = 0;
  let s = 0;
  const edit = source.edit;
  if (edit && edit.previous === old) {
    // The text says how it was made from the last one: no need to compare them.
    p = edit.start;
    s = old.length - edit.oldEnd;
  } else {
    const max = Math.min(old.length, text.length);
    while (p < max && old.charCodeAt(p) === text.charCodeAt(p)) p++;
    while (s < max - p && old.charCodeAt(old.length - 1 - s) === text.charCodeAt(text.length - 1 - s)) s++;
  }
  const oldMid = old.slice(p, old.length - s);
  const newMid = text.slice(p, text.length - s);
  if (/[\r\n]/.test(oldMid) || /[\r\n]/.test(newMid)) return undefined;
  let lineEnd = old.length - s;
  while (lineEnd < old.length && old.charCodeAt(lineEnd) !== 10 && old.charCodeAt(lineEnd) !== 13) lineEnd++;
  return { from: p, to: lineEnd, delta: newMid.length - oldMid.length, byteDelta: utf8Length(newMid) - utf8Length(oldMid) };
}

/** A finding at its place in the new text, or undefined when one of its positions cannot be moved. */
function moveFinding(f: Finding, m: Shift): Finding | undefined {
  if (touches(f, m)) return undefined;
  if (m.delta === 0 && m.byteDelta === 0) return f;
  const at = (o: number) => (o > m.to ? o + m.delta : o);
  const span = (s: Span): Span => ({ start: at(s.start), end: at(s.end) });
  const bytes = (s: Span, old: Span): Span => ({ start: old.start > m.to ? s.start + m.byteDelta : s.start, end: old.end > m.to ? s.end + m.byteDelta : s.end });
  return {
    ...f,
    span: span(f.span),
    bytes: bytes(f.bytes, f.span),
    fixes: f.fixes.map((x) => ({ ...x, edits: x.edits.map((e) => ({ ...e, start: at(e.start), end: at(e.end) })) })),
    related: f.related.map((r) => ({ ...r, span: span(r.span) })),
  };
}

/** True when a position of the finding lies in the edit or after it on its line. */
function touches(f: Finding, m: Shift): boolean {
  const bad = (o: number) => o >= m.from && o <= m.to;
  if (bad(f.span.start) || bad(f.span.end)) return true;
  for (const r of f.related) if (bad(r.span.start) || bad(r.span.end)) return true;
  for (const x of f.fixes) for (const e of x.edits) if (bad(e.start) || bad(e.end)) return true;
  return false;
}
