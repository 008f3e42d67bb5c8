import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryWalker, memoryLayoutHolds, sameWalk } from '../../src/core/syntax/memoryCursor';
import { GoFile, GoLanguage, type Node, type Tree } from '../../src/core/syntax/parser';
import { copyTree } from '../../src/core/syntax/tree';
import { SourceText } from '../../src/core/text/source';
import { loadGoForTests, TESTDATA } from '../helpers';

/** Every .go file under the rule fixtures. */
function fixtures(): string[] {
  const out: string[] = [];
  for (const rule of readdirSync(TESTDATA, { withFileTypes: true })) {
    if (!rule.isDirectory()) continue;
    for (const f of readdirSync(join(TESTDATA, rule.name))) if (f.endsWith('.go')) out.push(readFileSync(join(TESTDATA, rule.name, f), 'utf8'));
  }
  return out;
}

/** The text cut short, with a hole, and with something typed in, at places a seeded generator picks. */
function damaged(text: string, seed: number): string[] {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  const out: string[] = [];
  for (const junk of ['{', ')', 'go ', '"', 'func(', 'é世', '\r\n', '\t}\n']) {
    const a = Math.floor(next() * text.length);
    const b = Math.min(text.length, a + Math.floor(next() * 120));
    out.push(text.slice(0, a), text.slice(0, a) + text.slice(b), text.slice(0, a) + junk + text.slice(a));
  }
  return out;
}

/** Each node as a line: type, named, missing, field, range (what copyTree keeps). */
function shape(root: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node, field: string | null) => {
    out.push(`${n.id} ${n.type} ${n.isNamed} ${n.isMissing} ${n.hasError} ${field} ${n.startIndex}-${n.endIndex}/${n.lastId}`);
    n.children.forEach((c, i) => visit(c, n.fieldNameForChild(i)));
  };
  visit(root, null);
  return out;
}

describe('trees read from WASM memory (issue 13)', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  it('are read from memory once the parser has loaded: the layout check and the sample walk passed', () => {
    assert.equal(go.readsMemory, true);
  });

  it("a parser whose check is left for later (a server's, until its first findings are out) copies with web-tree-sitter's cursor, the same copy, and is checked once", () => {
    const parts = go as unknown as { parser: unknown; memory: { buffer: ArrayBuffer } };
    const later = new GoLanguage(go.language, parts.parser as never, parts.memory);
    assert.equal(later.readsMemory, false);
    const text = fixtures()[0];
    const copy = (g: GoLanguage) => {
      const file = new GoFile(g, text);
      try {
        return shape(file.root!);
      } finally {
        file.dispose();
      }
    };
    assert.deepEqual(copy(later), copy(go));
    let checks = 0;
    const verify = later.verifyMemoryWalk.bind(later);
    later.verifyMemoryWalk = (samples) => (checks++, verify(samples));
    later.checkMemoryWalk();
    later.checkMemoryWalk();
    assert.equal(checks, 1);
    assert.equal(later.readsMemory, true);
  });

  it("walk every fixture, and damaged copies of them, exactly as web-tree-sitter's cursor does", () => {
    const walker = new MemoryWalker(go.language, (go as unknown as { memory: { buffer: ArrayBuffer } }).memory);
    let trees = 0;
    let broken = 0;
    for (const [i, text] of fixtures().entries()) {
      for (const t of [text, ...(i % 3 === 0 ? damaged(text, i + 1) : [])]) {
        const tree = go.parse(t)!;
        if (tree.rootNode.hasError) broken++;
        const a = walker.walk(tree);
        const b = tree.walk();
        try {
          assert.equal(sameWalk(a, b), undefined, `tree ${trees}`);
        } finally {
          a.delete();
          b.delete();
          tree.delete();
        }
        trees++;
      }
    }
    assert.ok(trees > 1000 && broken > 300, `${trees} trees, ${broken} with errors`);
  });

  it("make the same copy as web-tree-sitter's cursor, ids and subtree ends included", () => {
    let compared = 0;
    for (const text of fixtures().slice(0, 60)) {
      const file = new GoFile(go, text + '\nfunc broken( {\n\tgo func() { ch <- \n}\n');
      const viaWasm = copyTree(file.tree!, new SourceText(file.text))!;
      assert.deepEqual(shape(file.root!), shape(viaWasm));
      compared += viaWasm.lastId + 1;
      file.dispose();
    }
    assert.ok(compared > 20_000, `${compared} nodes`);
  });

  it('stop with an error, never a hang, on memory that is not a tree', () => {
    // A root whose heap data claims two billion children: read as they are, they would take minutes.
    const memory = { buffer: new ArrayBuffer(1 << 16) };
    const u32 = new Uint32Array(memory.buffer);
    u32[0] = 64; // the tree's root: a pointer to heap data at 64
    u32[(64 + 36) >> 2] = 0x7fffffff; // its child_count
    const cursor = new MemoryWalker(go.language, memory).walk({ 0: 0 } as unknown as Tree);
    assert.throws(() => cursor.gotoFirstChild(), /not a tree-sitter tree/);
  });

  it('are not read from memory whose layout is not the one expected, and a walk that differs is reported', () => {
    assert.equal(memoryLayoutHolds(go.language, { buffer: new ArrayBuffer(1 << 20) }), false);
    const one = go.parse('package p\n\nfunc f() { go g() }\n')!;
    const other = go.parse('package p\n\nfunc f() { g() }\n')!;
    const walker = new MemoryWalker(go.language, (go as unknown as { memory: { buffer: ArrayBuffer } }).memory);
    const a = walker.walk(one);
    // web-tree-sitter's cursors must be deleted: its finalizer for a forgotten one frees whatever
    // cursor the transfer buffer holds at the time
    const b = other.walk();
    try {
      assert.match(sameWalk(a, b) ?? '', /^source_file#\d+\/.* != source_file#\d+\//);
    } finally {
      a.delete();
      b.delete();
      one.delete();
      other.delete();
    }
  });
});
