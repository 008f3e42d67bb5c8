import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, analyzeFile } from '../../src/core/analyze';
import { GoFile, type GoLanguage, type Node } from '../../src/core/syntax/parser';
import { descendants, walk } from '../../src/core/syntax/nodes';
import { loadGoForTests, TESTDATA } from '../helpers';

describe('parser and incremental documents', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('loads once: later calls share the same language', async () => {
    assert.equal(await loadGoForTests(), go);
  });

  it("copies every node as tree-sitter has it (type, named, missing, range, field), in broken code too", () => {
    const text = readFileSync(join(TESTDATA, 'goroutine-send-leak', 'fanout.go'), 'utf8') + '\nfunc broken( {\n\tgo func() { ch <- \n}\nfuncx (w *T) f() {\n\tx := \n}\n';
    const file = new GoFile(go, text);
    type W = NonNullable<ReturnType<NonNullable<typeof file.tree>['rootNode']['child']>>;
    let compared = 0;
    let errors = 0;
    const same = (w: W, c: NonNullable<typeof file.root>, field: string | null) => {
      assert.deepEqual([c.type, c.isNamed, c.isMissing, c.startIndex, c.endIndex, c.parent ? c.parent.fieldNameForChild(c.indexInParent) : null], [w.type, w.isNamed, w.isMissing, w.startIndex, w.endIndex, field], `node ${compared}`);
      if (c.type === 'ERROR' || c.isMissing) errors++;
      compared++;
      assert.equal(c.children.length, w.childCount);
      for (let i = 0; i < w.childCount; i++) same(w.child(i)!, c.children[i], w.fieldNameForChild(i));
    };
    same(file.tree!.rootNode as W, file.root!, null);
    assert.ok(compared > 900 && errors > 0, `${compared} nodes, ${errors} errors`);
    file.dispose();
  });

  it("answers descendantsOfType from its index exactly as tree-sitter's own walk does, on every node", () => {
    const text = readFileSync(join(TESTDATA, 'goroutine-send-leak', 'fanout.go'), 'utf8') + '\nfunc broken( {\n\tgo func() { ch <- \n}\n';
    const file = new GoFile(go, text);
    const wasm = file.tree!.rootNode;
    const copy = file.root!;
    const types = ['call_expression', 'send_statement', 'func_literal', 'identifier', 'ERROR', 'block', 'no_such_type'];
    for (const t of types) {
      assert.deepEqual(
        copy.descendantsOfType(t).map((n) => [n.type, n.startIndex, n.endIndex]),
        wasm.descendantsOfType(t).map((n) => [n!.type, n!.startIndex, n!.endIndex]),
        String(t),
      );
    }
    // From every node: the naive walk of its subtree, in document order.
    const naive = (n: typeof copy, set: Set<string>): (typeof copy)[] => [...(set.has(n.type) ? [n] : []), ...n.children.flatMap((c) => naive(c, set))];
    let checked = 0;
    walk(copy, (n) => {
      for (const t of [['call_expression'], ['identifier', 'selector_expression'], ['block']]) {
        assert.deepEqual(n.descendantsOfType(t).map((x) => x.id), naive(n, new Set(t)).map((x) => x.id));
      }
      checked++;
    });
    assert.ok(checked > 900, `${checked} nodes`);
    file.dispose();
  });

  /** Every node, anonymous leaves included (made as they are asked for), with its place in the tree. */
  const everyNode = (root: Node): string[] => {
    const out: string[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      out.push([n.id, n.lastId, n.type, n.startIndex, n.endIndex, n.isNamed, n.isMissing, n.hasError, n.parent?.id ?? '', n.indexInParent, n.parent?.fieldNameForChild(n.indexInParent) ?? '', n.top?.id ?? '', n.childCount].join('|'));
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
    }
    return out;
  };

  /**
   * Two copies equal node for node (ids, ranges, fields, errors, text) and in their indexes by
   * type; with `leaves`, every anonymous leaf too (which makes them: the next edit then moves made
   * leaves, where without it they stay numbers in their parents).
   */
  const same = (a: Node, b: Node, where: string, leaves = false) => {
    if (leaves) assert.deepEqual(everyNode(a), everyNode(b), `${where}: every node`);
    const flat = (r: Node) => {
      const out: string[] = [];
      walk(r, (n) => {
        out.push([n.id, n.lastId, n.type, n.startIndex, n.endIndex, n.hasError, n.isMissing, n.isNamed, n.parent?.fieldNameForChild(n.indexInParent) ?? '', n.top?.type ?? '', n.text].join('|'));
      });
      return out;
    };
    assert.deepEqual(flat(a), flat(b), where);
    for (const t of ['call_expression', 'identifier', 'ERROR', 'func_literal', 'block', 'if_statement']) {
      assert.deepEqual(a.descendantsOfType(t).map((n) => n.id), b.descendantsOfType(t).map((n) => n.id), `${where}: ${t}`);
      for (const d of a.children) assert.deepEqual(d.descendantsOfType(t).map((n) => n.id), b.children[d.indexInParent].descendantsOfType(t).map((n) => n.id), `${where}: ${t} in ${d.type}`);
    }
  };

  it('a copy made after a keystroke, with the untouched declarations cloned, equals a fresh copy node for node', () => {
    const text = readFileSync(join(TESTDATA, 'goroutine-send-leak', 'fanout.go'), 'utf8');
    const file = new GoFile(go, text);
    // Typing in the middle of the file (declarations before and after are reused), including a
    // half-typed state with an open brace that changes how everything after it parses.
    const at = text.indexOf('\n}\n', text.length >> 1) + 3;
    const typed = 'func typed() { go func() { ch <- 1 }() }\n';
    let current = text;
    for (let i = 0; i < typed.length; i++) {
      file.root; // the copy the next edit starts from
      file.update([{ rangeOffset: at + i, rangeLength: 0, text: typed[i] }]);
      current = current.slice(0, at + i) + typed[i] + current.slice(at + i);
      const fresh = new GoFile(go, current);
      same(file.root!, fresh.root!, `after typing ${JSON.stringify(typed.slice(0, i + 1))}`, i % 2 === 0);
      fresh.dispose();
    }
    // Edits inside the first function, deleting the typed one again, edits at the very start and
    // end of the file, and a call left open (a MISSING leaf, made from its parent's numbers).
    for (const change of [
      // inside the first function (its statements move, and the typed one after it shifts, with
      // the leaves made while it was typed)
      { rangeOffset: text.indexOf('{') + 1, rangeLength: 0, text: ' ' },
      { rangeOffset: text.indexOf('{') + 1, rangeLength: 1, text: '' },
      { rangeOffset: at, rangeLength: typed.length, text: '' },
      { rangeOffset: 0, rangeLength: 0, text: '// x\n' },
      { rangeOffset: 0, rangeLength: 5, text: '' },
      { rangeOffset: text.length, rangeLength: 0, text: '\nvar v = 1\n' },
      { rangeOffset: at, rangeLength: 0, text: 'func broken() { f(\n' },
    ]) {
      file.root;
      file.update([change]);
      current = current.slice(0, change.rangeOffset) + change.text + current.slice(change.rangeOffset + change.rangeLength);
      const fresh = new GoFile(go, current);
      same(file.root!, fresh.root!, JSON.stringify(change), true);
      fresh.dispose();
    }
    assert.ok(everyNode(file.root!).some((line) => line.includes('|false|true|true|')), 'a MISSING anonymous leaf was compared');
    file.dispose();
  });

  it('a keystroke inside a function moves its untouched statements into the new copy, which equals a fresh copy node for node', () => {
    const text = readFileSync(join(TESTDATA, 'sleep-ignores-cancel', 'loops.go'), 'utf8');
    const file = new GoFile(go, text);
    let current = text;
    let moved = 0;
    let eligible = 0;
    let changes = 0;
    // Letters after identifiers, and edits that change how the rest of a function parses: an
    // open parenthesis or brace, a quote, a line break, a deleted closing brace.
    const sites = [...text.matchAll(/[a-z] /g)].map((m) => m.index! + 1).filter((_, i) => i % 7 === 0);
    const edits = sites.flatMap((at, i) => {
      const typed = ['x', '(', '{', '"', '\n\t', 'go '][i % 6];
      return [
        { rangeOffset: at, rangeLength: 0, text: typed },
        { rangeOffset: at, rangeLength: typed.length, text: '' },
      ];
    });
    const brace = text.indexOf('\n\t}\n', text.length >> 1) + 2;
    edits.push({ rangeOffset: brace, rangeLength: 1, text: '' }, { rangeOffset: brace, rangeLength: 0, text: '}' });
    for (const change of edits) {
      const before = file.root!;
      // A statement far from the edit, in the declaration the edit touches.
      const decl = before.children.find((d) => d.startIndex <= change.rangeOffset && change.rangeOffset < d.endIndex);
      const far = decl?.descendantsOfType('expression_statement').find((s) => s.endIndex < change.rangeOffset - 1 && s.parent?.type === 'statement_list');
      file.update([change]);
      current = current.slice(0, change.rangeOffset) + change.text + current.slice(change.rangeOffset + change.rangeLength);
      const fresh = new GoFile(go, current);
      same(file.root!, fresh.root!, JSON.stringify(change), (++changes & 1) === 0);
      fresh.dispose();
      if (far && !file.root!.hasError) {
        eligible++;
        if (descendants(file.root!, 'expression_statement').includes(far)) moved++;
      }
    }
    assert.ok(eligible > 20 && moved > eligible * 0.9, `a statement before the edit moved into the new copy after ${moved} of ${eligible} edits that left the file parsing`);
    file.dispose();
  });

  it('a moved statement whose size in nodes differs from the last copy is not reused: the copy is made afresh', () => {
    const text = readFileSync(join(TESTDATA, 'sleep-ignores-cancel', 'loops.go'), 'utf8');
    const file = new GoFile(go, text);
    // A statement of a function's body itself, moved on its own (not inside a moved block).
    const ownStatements = (decl: Node) => decl.childForFieldName('body')?.namedChildren.find((c) => c.type === 'statement_list')?.namedChildren.filter((c) => c.childCount > 0) ?? [];
    const decl = file.root!.children.filter((c) => c.type === 'function_declaration').sort((a, b) => ownStatements(b).length - ownStatements(a).length)[0];
    const statements = ownStatements(decl);
    assert.ok(statements.length >= 2);
    const tampered = statements[0];
    tampered.lastId--; // as if the last copy had read it with a node fewer than tree-sitter has
    const at = statements[statements.length - 1].endIndex; // after it, in the same declaration
    file.update([{ rangeOffset: at, rangeLength: 0, text: 'x' }]);
    const fresh = new GoFile(go, file.text);
    same(file.root!, fresh.root!, 'after the tampered statement');
    assert.ok(!descendants(file.root!, tampered.type).includes(tampered), 'the tampered statement was not moved over');
    fresh.dispose();
    file.dispose();
  });

  it('a moved declaration whose size in nodes differs from the last copy is not reused: the copy is made afresh', () => {
    const text = readFileSync(join(TESTDATA, 'goroutine-send-leak', 'fanout.go'), 'utf8');
    const file = new GoFile(go, text);
    const flat = (r: NonNullable<typeof file.root>) => {
      const out: string[] = [];
      walk(r, (n) => {
        out.push([n.id, n.lastId, n.type, n.startIndex, n.endIndex, n.parent?.fieldNameForChild(n.indexInParent) ?? ''].join('|'));
      });
      return out;
    };
    for (const which of ['middle', 'last'] as const) {
      const root = file.root!;
      // Pretend the last copy read one declaration with a node fewer than tree-sitter has: the
      // size is checked only once the cursor has passed the declaration (the next one, or the end).
      const decls = root.children.filter((c) => c.type === 'function_declaration');
      const tampered = which === 'last' ? decls[decls.length - 1] : decls[1];
      tampered.lastId--;
      const at = text.indexOf('{') + 1; // inside the first declaration with a body: the others move
      file.update([{ rangeOffset: at, rangeLength: 0, text: ' ' }]);
      const fresh = new GoFile(go, file.text);
      assert.deepEqual(flat(file.root!), flat(fresh.root!), which);
      assert.ok(!file.root!.children.includes(tampered), `${which}: the tampered declaration was not moved over`);
      fresh.dispose();
      file.update([{ rangeOffset: at, rangeLength: 1, text: '' }]);
    }
    file.dispose();
  });

  it('incremental updates give the same tree as a fresh parse', () => {
    const text = readFileSync(join(TESTDATA, 'waitgroup-add-in-goroutine', 'closures.go'), 'utf8');
    const file = new GoFile(go, text);
    // Type a statement character by character, then delete it again, then a multi-change edit.
    const at = text.indexOf('\tvar wg sync.WaitGroup');
    const typed = '\tx := 1 // é😀\n';
    for (let i = 0; i < typed.length; i++) file.update([{ rangeOffset: at + i, rangeLength: 0, text: typed[i] }]);
    assert.equal(file.text, text.slice(0, at) + typed + text.slice(at));
    const fresh = go.parse(file.text)!;
    assert.equal(file.tree!.rootNode.toString(), fresh.rootNode.toString());
    assert.equal(file.root!.toString(), fresh.rootNode.toString());
    fresh.delete();
    file.update([{ rangeOffset: at, rangeLength: typed.length, text: '' }]);
    assert.equal(file.text, text);
    // Two changes in one event, applied in order (later offset first, as VS Code sends them).
    const second = text.indexOf('func addInsideSingleClosure');
    file.update([
      { rangeOffset: second, rangeLength: 4, text: 'func' },
      { rangeOffset: 0, rangeLength: 7, text: 'package' },
    ]);
    assert.equal(file.text, text);
    const again = go.parse(text)!;
    assert.equal(file.tree!.rootNode.toString(), again.rootNode.toString());
    again.delete();
    assert.deepEqual(
      analyzeFile(file, { fileName: 'closures.go' }).findings.map((f) => f.message),
      analyze(go, text, { fileName: 'closures.go' }).findings.map((f) => f.message),
    );
    file.dispose();
    assert.equal(file.tree, undefined);
  });

  it('a keyword typed into (`funcx (w *response) finishRequest() {`) is a syntax error, though the missing terminator is on no cursor path', () => {
    const text = 'package p\n\nfunc (w *response) finishRequest() {\n\tw.handlerDone.setTrue()\n}\n';
    const file = new GoFile(go, text, 't.go');
    try {
      assert.equal(file.syntax(Date.now() + 60_000)!.hasError, false);
      const at = text.indexOf('func (w') + 'func'.length;
      file.update([{ rangeOffset: at, rangeLength: 0, text: 'x' }]);
      assert.equal(file.syntax(Date.now() + 60_000)!.hasError, true);
      assert.equal(analyzeFile(file, { fileName: 't.go' }).syntaxErrors, true);
      const fresh = new GoFile(go, file.text, 't.go');
      assert.equal(fresh.syntax(Date.now() + 60_000)!.hasError, true);
      fresh.dispose();
    } finally {
      file.dispose();
    }
  });

  it('walks a 50,000-deep expression without recursion', () => {
    const depth = 50000;
    const text = `package p\n\nvar x = ${'('.repeat(depth)}1${')'.repeat(depth)}\n`;
    const file = new GoFile(go, text);
    let count = 0;
    walk(file.root!, () => {
      count++;
    });
    assert.ok(count > depth);
    assert.ok(descendants(file.root!, 'int_literal').length === 1);
    assert.equal(file.root!.toString(), file.tree!.rootNode.toString(), 'the JavaScript copy has the same shape');
    file.dispose();
    const r = analyze(go, text, { fileName: 'deep.go' });
    assert.deepEqual(r.errors, []);
  });

  it('half-typed code degrades to fewer findings, never an exception', () => {
    const text = readFileSync(join(TESTDATA, 'waitgroup-add-in-goroutine', 'closures.go'), 'utf8');
    for (let cut = 0; cut < text.length; cut += 37) {
      const r = analyze(go, text.slice(0, cut), { fileName: 'cut.go' });
      assert.deepEqual(r.errors, [], `cut at ${cut}`);
    }
  });

  it('skips generated and oversized files with a reason', () => {
    const gen = '// Code generated by stringer. DO NOT EDIT.\n\npackage p\n';
    assert.equal(analyze(go, gen).skipped, 'generated');
    assert.equal(analyze(go, gen, { includeGenerated: true }).skipped, undefined);
    assert.equal(analyze(go, 'package p\n' + '// x\n'.repeat(1000), { maxBytes: 1000 }).skipped, 'too-large');
  });
});
