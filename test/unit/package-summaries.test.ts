import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, analyzePackage } from '../../src/core/analyze';
import { FileFacts } from '../../src/core/model/facts';
import { keyedNamesOf, mayBindCallbacks, PackageIndex, plainOp, summarizeFile, type FileSummary, type Op } from '../../src/core/model/package';
import { GoFile, type GoLanguage } from '../../src/core/syntax/parser';
import { RULES_BY_ID } from '../../src/core/rules';
import { loadGoForTests, TESTDATA } from '../helpers';

const STORE = `package store

import "sync"

type Store struct {
	mu   sync.Mutex
	data map[string]int
}

func (s *Store) Put(k string, v int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[k] = v
	s.evict()
	go func() {
		s.mu.Lock()
		s.mu.Unlock()
	}()
}
`;

const EVICT = `package store

var global sync.Mutex

func (s *Store) evict() {
	s.mu.Lock()
	helper(&s.mu)
	s.mu.Unlock()
}

func helper(mu *sync.Mutex) {
	mu.Lock()
	global.Lock()
}
`;

describe('package summaries', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  function summary(text: string, name: string) {
    const file = new GoFile(go, text, name);
    try {
      return summarizeFile(new FileFacts(file.root!, file.source, name));
    } finally {
      file.dispose();
    }
  }

  it('records lock operations on receiver fields, deferred and goroutine placement, and calls', () => {
    const s = summary(STORE, 'store.go');
    assert.equal(s.packageName, 'store');
    const put = s.functions.find((f) => f.key === 'Store.Put')!;
    assert.deepEqual(
      put.ops.map((o) => [o.kind, o.target, o.deferred ?? false, o.context ?? '']),
      [
        ['Lock', 'Store.mu', false, ''],
        ['Unlock', 'Store.mu', true, ''],
        ['call', 'Store.evict', false, ''],
        ['Lock', 'Store.mu', false, 'goroutine'],
        ['Unlock', 'Store.mu', false, 'goroutine'],
      ],
    );
    assert.equal(s.structs.Store.mu, 'sync.Mutex');
  });

  it('normalises parameters and package variables, and follows calls across files', () => {
    const index = new PackageIndex(go);
    index.setText('evict.go', EVICT);
    const view = index.view(summary(STORE, 'store.go'));
    const helper = view.func('helper')!;
    assert.deepEqual(helper.ops.map((o) => o.target), ['param0', 'var:global']);
    const evict = view.func('Store.evict')!;
    assert.deepEqual(evict.ops.find((o) => o.kind === 'call')!.args, ['Store.mu']);
    const reach = view.reachableOps('Store.evict').map(({ op, via }) => `${via.map((f) => f.name).join('>')}:${op.kind}:${op.target}`);
    assert.deepEqual(reach, [
      'evict:Lock:Store.mu',
      'evict:call:helper',
      'evict:Unlock:Store.mu',
      'evict>helper:Lock:param0',
      'evict>helper:Lock:var:global',
    ]);
    assert.equal(view.structField('Store', 'mu'), 'sync.Mutex');
  });

  it('analyzePackage gives the same findings as analysing each file alone for single-file rules', () => {
    const bug = `package store

import "sync"

func f() {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1)
		wg.Done()
	}()
	wg.Wait()
}
`;
    const files = [
      { name: 'a.go', text: bug },
      { name: 'b.go', text: STORE },
      { name: 'c.go', text: EVICT },
    ];
    const rules = [RULES_BY_ID.get('waitgroup-add-in-goroutine')!];
    const together = analyzePackage(go, files, { rules }).map((r) => r.findings.map((f) => f.message));
    const alone = files.map((f) => analyze(go, f.text, { fileName: f.name, rules }).findings.map((x) => x.message));
    assert.deepEqual(together, alone);
    assert.equal(together[0].length, 1);
  });
});

describe('call details worked out when read', () => {
  let go: GoLanguage;
  before(async () => {
    go = await loadGoForTests();
  });

  const DETAILS = ['args', 'recv', 'guarded', 'afterExit', 'bools', 'when', 'funcArgs', 'lastRef', 'recvType', 'owned'] as const;
  const PROPERTIES: readonly (keyof Op)[] = ['kind', 'target', 'line', 'start', 'end', 'deferred', 'repeated', 'context', ...DETAILS];

  const summaryOf = (text: string, name: string, lazyCalls: boolean): FileSummary => {
    const file = new GoFile(go, text, name);
    try {
      return summarizeFile(new FileFacts(file.root!, file.source, name), undefined, '', lazyCalls);
    } finally {
      file.dispose();
    }
  };

  it('are those a summary works out at once, on every fixture', () => {
    const seen = new Map<string, number>();
    let calls = 0;
    for (const entry of readdirSync(TESTDATA, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !entry.name.endsWith('.go')) continue;
      const path = join(entry.parentPath ?? entry.path, entry.name);
      const text = readFileSync(path, 'utf8');
      const eager = summaryOf(text, entry.name, false);
      const lazy = summaryOf(text, entry.name, true);
      assert.equal(lazy.functions.length, eager.functions.length, path);
      eager.functions.forEach((fn, i) => {
        const ops = lazy.functions[i].ops;
        // each property read as a rule reads it (one detail first, as a rule would), then the copies spreads take
        const read = (op: Op) => Object.fromEntries(PROPERTIES.map((k) => [k, op[k]]));
        assert.deepEqual(ops.map((op) => op.guarded), fn.ops.map((op) => op.guarded), `${path} ${fn.key}`);
        assert.deepEqual(ops.map(read), fn.ops.map(read), `${path} ${fn.key}`);
        assert.deepEqual(ops.map(plainOp), fn.ops, `${path} ${fn.key}`);
        for (const op of fn.ops) {
          if (op.kind !== 'call') continue;
          calls++;
          for (const k of Object.keys(op)) seen.set(k, (seen.get(k) ?? 0) + 1);
        }
      });
    }
    // Every detail is met in the fixtures, so a getter that answered wrong would be caught.
    for (const k of DETAILS) {
      assert.ok((seen.get(k) ?? 0) > 0, `some call operation of the fixtures has ${k}`);
    }
    assert.ok(calls > 1000, `${calls} call operations`);
  });
});

describe('the text scans of a summary', () => {
  // The patterns the scans were written from: the scans must answer as they do, on every text.
  const keyedNames = (text: string) => [...text.matchAll(/\b([a-z_]\w*)\s*:(?!=)(?!\s*make\(\s*chan\b)/g)].map((m) => m[1]);
  const callbacks = (text: string) => /\.\w+\s*=[^=]|\b\w+:\s*(?:func\b|\w+\.\w+\s*[,}\n])/.test(text);
  /** Every fixture, and pieces of each cut at seeded places (a declaration's text begins and ends anywhere). */
  const texts = (): string[] => {
    const out: string[] = [];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (const rule of readdirSync(TESTDATA, { withFileTypes: true })) {
      if (!rule.isDirectory()) continue;
      for (const f of readdirSync(join(TESTDATA, rule.name))) {
        if (!f.endsWith('.go')) continue;
        const text = readFileSync(join(TESTDATA, rule.name, f), 'utf8');
        out.push(text);
        for (let i = 0; i < 4; i++) {
          const a = Math.floor(next() * text.length);
          out.push(text.slice(a, a + Math.floor(next() * 400)));
        }
      }
    }
    // the edges of each pattern
    out.push('a:', ':', 'x :=1', 'x: make(chan int)', 'x:\n make( chan', 'x : makes', 'Ab: 1', '_a:1', '9a: 1', 'é: 1', 'a\u00a0: b', 'x:y:z',
      '.f=1', '.f ==1', '.f =', '.f=', '. f = 1', 'a.b\t=\tc', 'k:func()', 'k: funcs', 'k:  s.h,', 'k: s.h }', 'k: s.h\n', 'k: s.h)', 'k: s.', 'k:s .h,', ' k:\n\ts.h  ,', 'x.y:z.w,');
    return out;
  };

  it('find the keyed names and the possible callbacks the patterns find', () => {
    let names = 0;
    let withCallbacks = 0;
    for (const text of texts()) {
      assert.deepEqual(keyedNamesOf(text), keyedNames(text), JSON.stringify(text.slice(0, 200)));
      names += keyedNames(text).length;
      assert.equal(mayBindCallbacks(text), callbacks(text), JSON.stringify(text.slice(0, 200)));
      if (callbacks(text)) withCallbacks++;
    }
    assert.ok(names > 1000 && withCallbacks > 50, `${names} keyed names, ${withCallbacks} texts with callbacks`);
  });
});
