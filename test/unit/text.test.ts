import * as assert from 'node:assert/strict';
import { analyze } from '../../src/core/analyze';
import type { GoLanguage } from '../../src/core/syntax/parser';
import { SourceText, utf8Length } from '../../src/core/text/source';
import { loadGoForTests } from '../helpers';

describe('SourceText positions', () => {
  it('maps UTF-16 offsets to lines and characters across LF, CRLF and lone CR', () => {
    const s = new SourceText('a\nbc\r\nd\re');
    assert.deepEqual(s.positionAt(0), { line: 0, character: 0 });
    assert.deepEqual(s.positionAt(3), { line: 1, character: 1 });
    assert.deepEqual(s.positionAt(6), { line: 2, character: 0 });
    assert.deepEqual(s.positionAt(8), { line: 3, character: 0 });
    assert.equal(s.lineText(1), 'bc');
    assert.equal(s.offsetAt({ line: 1, character: 99 }), 4, 'clamped to the end of the line, before CRLF');
  });

  it('counts UTF-8 bytes for non-ASCII and astral characters', () => {
    const text = 'é😀x\nz';
    assert.equal(utf8Length(text), 2 + 4 + 1 + 1 + 1);
    const s = new SourceText(text);
    assert.equal(s.byteOffsetAt(3), 6, 'x starts after 2 + 4 bytes');
    assert.equal(s.byteColumnAt(3), 7);
    assert.equal(s.byteOffsetAt(5), 8);
    assert.equal(s.byteColumnAt(5), 1);
  });

  it('an edited text has the line table of the same text read afresh, across LF, CRLF and lone CR', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const pieces = ['a', 'bc', '\n', '\r', '\r\n', '\n\n', 'x\ry', ''];
    const pick = () => pieces[Math.floor(random() * pieces.length)];
    let s = new SourceText('a\nbc\r\nd\re\r');
    for (let i = 0; i < 3000; i++) {
      const start = Math.floor(random() * (s.text.length + 1));
      const end = Math.min(s.text.length, start + Math.floor(random() * 3));
      s = s.edited(start, end, pick() + pick());
      const fresh = new SourceText(s.text);
      assert.equal(s.lineCount, fresh.lineCount, JSON.stringify(s.text));
      for (let line = 0; line < fresh.lineCount; line++) assert.equal(s.lineStart(line), fresh.lineStart(line), JSON.stringify(s.text));
      if (s.text.length > 200) s = new SourceText(s.text.slice(0, 50));
    }
  });
});

describe('finding positions in awkward text', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  const body = (prefix: string, nl: string) =>
    [
      'package p',
      '',
      'import "sync"',
      '',
      'func f() {',
      '\tvar wg sync.WaitGroup',
      '\tgo func() {',
      `\t\t${prefix}wg.Add(1)`,
      '\t\twg.Done()',
      '\t}()',
      '\twg.Wait()',
      '}',
      '',
    ].join(nl);

  for (const [name, text, utf16Col, byteCol] of [
    ['plain', body('', '\n'), 2, 3],
    ['CRLF', body('', '\r\n'), 2, 3],
    ['BOM', '\uFEFF' + body('', '\n'), 2, 3],
    ['non-ASCII before the finding', body('_ = "héllo😀"; ', '\n'), 2 + 15, 3 + 18],
  ] as const) {
    it(`${name}: UTF-16 character and byte column point at the call`, () => {
      const r = analyze(go, text, { fileName: 'p.go' });
      assert.equal(r.findings.length, 1, JSON.stringify(r.findings.map((f) => f.message)));
      const f = r.findings[0];
      assert.equal(f.range.start.line, 7);
      assert.equal(f.range.start.character, utf16Col);
      assert.equal(text.slice(f.span.start, f.span.end), 'wg.Add(1)');
      assert.equal(f.line, 8);
      assert.equal(f.column, byteCol);
      const bytes = Buffer.from(text, 'utf8');
      assert.equal(bytes.subarray(f.bytes.start, f.bytes.end).toString('utf8'), 'wg.Add(1)');
    });
  }
});
