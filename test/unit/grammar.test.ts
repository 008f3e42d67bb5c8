/**
 * Tokenizes Go lines with our injection grammar (syntaxes/go-concurrency.injection.json) on top of
 * a Go base grammar, with the same libraries VS Code uses (vscode-textmate, vscode-oniguruma).
 *
 * VS Code's own Go grammar is not in node_modules, so the base is test/unit/fixtures/go.tmLanguage.json:
 * a deliberately small stand-in (comments, strings, keywords, builtins, operators) that uses the
 * real grammar's scope names. It is only good enough to test how the injection behaves.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';
import { ROOT } from '../helpers';

const INJECTION_SCOPE = 'source.go.concurrency';
const INJECTION_PATH = join(ROOT, 'syntaxes', 'go-concurrency.injection.json');
const BASE_PATH = join(ROOT, 'test', 'unit', 'fixtures', 'go.tmLanguage.json');

/** Our scopes: the standard Go scope of the token, then the construct, then "concurrency". */
const GO = 'keyword.control.go.goroutine.concurrency';
const DEFER = 'keyword.control.go.defer.concurrency';
const SELECT = 'keyword.control.go.select.concurrency';
const ARROW = 'keyword.operator.channel.go.arrow.concurrency';
const DIRECTION = 'keyword.operator.channel.go.direction.concurrency';
const CHAN = 'keyword.channel.go.type.concurrency';
const CLOSE = 'support.function.builtin.go.close.concurrency';

interface Token {
  text: string;
  scopes: string[];
}

let onigLoaded: Promise<void> | undefined;

function onigLib(): Promise<vsctm.IOnigLib> {
  if (!onigLoaded) {
    const wasm = readFileSync(join(ROOT, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
    onigLoaded = oniguruma.loadWASM(new Uint8Array(wasm).buffer);
  }
  return onigLoaded.then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));
}

async function loadGrammar(): Promise<vsctm.IGrammar> {
  const files: Record<string, string> = { 'source.go': BASE_PATH, [INJECTION_SCOPE]: INJECTION_PATH };
  const registry = new vsctm.Registry({
    onigLib: onigLib(),
    loadGrammar: async (scopeName) => {
      const path = files[scopeName];
      return path ? vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
    // What VS Code does with package.json's contributes.grammars[].injectTo.
    getInjections: (scopeName) => (scopeName === 'source.go' ? [INJECTION_SCOPE] : undefined),
  });
  const grammar = await registry.loadGrammar('source.go');
  assert.ok(grammar, 'source.go did not load');
  return grammar;
}

/** Tokens of each line of `text`, carrying the tokenizer state across lines. */
function tokenize(grammar: vsctm.IGrammar, text: string): Token[][] {
  let state = vsctm.INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
  });
}

const ours = (scopes: string[]) => scopes.filter((s) => s.endsWith('.concurrency'));
const show = (tokens: Token[]) => tokens.map((t) => `${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`).join('\n  ');

describe('grammar: go-concurrency injection', function () {
  this.timeout(20000);
  let grammar: vsctm.IGrammar;

  before(async () => {
    grammar = await loadGrammar();
  });

  /** Asserts the concurrency scopes of the tokens of one line, as [token text, scope] pairs in order. */
  function expectScopes(line: string, expected: [string, string][]) {
    const tokens = tokenize(grammar, line)[0];
    const got = tokens.flatMap((t) => ours(t.scopes).map((s) => [t.text, s] as [string, string]));
    assert.deepEqual(got, expected, `scopes of ${JSON.stringify(line)}:\n  ${show(tokens)}`);
  }

  describe('highlights', () => {
    const cases: [string, [string, string][]][] = [
      ['go worker(ctx)', [['go', GO]]],
      ['\tgo func() {', [['go', GO]]],
      ['go\tf(x)', [['go', GO]]],
      ['go (f)()', [['go', GO]]],
      ['ch <- v', [['<-', ARROW]]],
      ['v := <-ch', [['<-', ARROW]]],
      ['v, ok := <-ch', [['<-', ARROW]]],
      ['case results <- r:', [['<-', ARROW]]],
      ['case <-ctx.Done():', [['<-', ARROW]]],
      ['select {', [['select', SELECT]]],
      ['select {}', [['select', SELECT]]],
      ['var c chan int', [['chan', CHAN]]],
      ['ch := make(chan struct{}, 8)', [['chan', CHAN]]],
      ['func f(in <-chan int, out chan<- int) {', [['<-', DIRECTION], ['chan', CHAN], ['chan', CHAN], ['<-', DIRECTION]]],
      ['var cc chan <-chan int', [['chan', CHAN], ['<-', DIRECTION], ['chan', CHAN]]],
      ['var s chan<- chan int', [['chan', CHAN], ['<-', DIRECTION], ['chan', CHAN]]],
      ['close(ch)', [['close', CLOSE]]],
      ['\tdefer close(out)', [['defer', DEFER], ['close', CLOSE]]],
      ['defer wg.Done()', [['defer', DEFER]]],
      ['defer func() { <-sem }()', [['defer', DEFER], ['<-', ARROW]]],
      ['go func() { ch <- 1 }() // go do it', [['go', GO], ['<-', ARROW]]],
      ['x := f("select") + <-ch', [['<-', ARROW]]],
    ];
    for (const [line, expected] of cases) {
      it(JSON.stringify(line), () => expectScopes(line, expected));
    }
  });

  describe('leaves alone', () => {
    const cases = [
      '// go do it',
      '//go:generate stringer -type=State',
      '\t/* select { case <-ch: } */',
      's := "select"',
      'p := "go.mod"',
      'q := `go func() { ch <- 1 }()`',
      "r := '<'",
      'x.Close()',
      'x.close()',
      'defer_ := 1',
      'f.defer()',
      'closer(ch)',
      'reclose(ch)',
      'closeAll := true',
      'func close(x int) {',
      'func (c *conn) close() error {',
      'gopher := 1',
      'ago, goal := 1, 2',
      'goto done',
      'import "go/ast"',
      'channel := 1',
      'selected := x.selectAll()',
      'n := x <<-1',
    ];
    for (const line of cases) {
      it(JSON.stringify(line), () => expectScopes(line, []));
    }

    it('a block comment over several lines', () => {
      const lines = tokenize(grammar, '/*\ngo f()\nselect {}\n*/\ngo f()');
      const got = lines.map((tokens) => tokens.flatMap((t) => ours(t.scopes)));
      assert.deepEqual(got, [[], [], [], [], [GO]]);
    });

    it('a raw string over several lines', () => {
      const lines = tokenize(grammar, 's := `\ndefer close(ch)\n`\ndefer close(ch)');
      const got = lines.map((tokens) => tokens.flatMap((t) => ours(t.scopes)));
      assert.deepEqual(got, [[], [], [], [DEFER, CLOSE]]);
    });
  });

  describe('scheme and wiring', () => {
    const raw = JSON.parse(readFileSync(INJECTION_PATH, 'utf8')) as {
      scopeName: string;
      injectionSelector: string;
      repository: Record<string, unknown>;
    };

    it('every scope is <standard Go scope>.<construct>.concurrency', () => {
      const names: string[] = [];
      JSON.stringify(raw.repository, (key, value: unknown) => {
        if (key === 'name' && typeof value === 'string') names.push(value);
        return value;
      });
      assert.ok(names.length >= 7, `only ${names.length} scope names`);
      for (const n of names) {
        assert.match(n, /^(keyword\.control|keyword\.operator\.channel|keyword\.channel|support\.function\.builtin)\.go\.[a-z]+\.concurrency$/, n);
      }
      assert.deepEqual([...new Set(names)].sort(), [ARROW, CHAN, CLOSE, DEFER, DIRECTION, GO, SELECT].sort());
    });

    it('keeps the scope the base grammar gives each token as a prefix (themes keep colouring it)', () => {
      const base = new Map<string, string>([
        ['go', 'keyword.control.go'],
        ['defer', 'keyword.control.go'],
        ['select', 'keyword.control.go'],
        ['chan', 'keyword.channel.go'],
        ['<-', 'keyword.operator.channel.go'],
        ['close', 'support.function.builtin.go'],
      ]);
      const tokens = tokenize(grammar, 'defer close(ch); go f(); select {}; var c chan int; c <- 1')[0];
      for (const t of tokens) {
        const std = base.get(t.text);
        if (!std) continue;
        const [scope] = ours(t.scopes);
        assert.ok(scope?.startsWith(`${std}.`), `${t.text}: ${scope} does not extend ${std}`);
      }
    });

    it('is injected into source.go outside comments and strings, as package.json declares', () => {
      assert.equal(raw.scopeName, INJECTION_SCOPE);
      assert.equal(raw.injectionSelector, 'L:source.go -comment -string');
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        contributes?: { grammars?: { scopeName: string; path: string; injectTo?: string[] }[] };
      };
      const entry = pkg.contributes?.grammars?.find((g) => g.scopeName === INJECTION_SCOPE);
      assert.ok(entry, `package.json does not contribute ${INJECTION_SCOPE}`);
      assert.equal(join(ROOT, entry.path), INJECTION_PATH);
      assert.deepEqual(entry.injectTo, ['source.go']);
    });
  });
});
