/**
 * Checks snippets/go.code-snippets: every snippet is expanded the way VS Code would insert it
 * with its defaults, put in a Go file (statement snippets inside a function), and must parse
 * without errors, be gofmt-clean and draw no finding from our own rules, so a snippet can
 * never teach a bug that the extension would then report.
 *
 * The snippet's name says where it goes: "(declaration)" for top-level declarations,
 * "(statements)" for code inserted inside a function body.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../src/core/analyze';
import type { GoLanguage, Node } from '../../src/core/syntax/parser';
import { walk } from '../../src/core/syntax/nodes';
import { gofmtProblem, loadGoForTests, ROOT, withSyntax } from '../helpers';

const SNIPPETS_FILE = join(ROOT, 'snippets', 'go.code-snippets');

/** Prefixes of vscode-go's snippets (extension/snippets/go.json): ours must never shadow them. */
const VSCODE_GO_PREFIXES = new Set([
  'im', 'ims', 'co', 'cos', 'const', 'tyf', 'tyi', 'tys', 'pkgm', 'fu', 'func', 'var', 'vars', 'switch', 'sw',
  'sel', 'cs', 'for', 'forr', 'ch', 'map', 'in', 'if', 'el', 'ie', 'iferr', 'fp', 'ff', 'lp', 'lf', 'lv', 'tl',
  'tlf', 'tlv', 'make', 'new', 'pn', 'wr', 'hf', 'hand', 'rd', 'herr', 'las', 'sv', 'go', 'gf', 'df', 'tf', 'tm',
  'bf', 'ef', 'tdt', 'finit', 'fmain', 'meth', 'helloweb', 'sort', 'json', 'yaml', 'fz', 'wg',
]);

/** The patterns the snippet set must cover (the editor-experience issue lists them). */
const REQUIRED_PREFIXES = [
  'cc-workerpool', 'cc-fanin', 'cc-fanout', 'cc-pipeline', 'cc-errgroup', 'cc-selecttimeout', 'cc-withtimeout',
  'cc-ticker', 'cc-semaphore', 'cc-once', 'cc-rwcache', 'cc-shutdown', 'cc-generator',
];

/** Every description starts with this, so the completion details say whose snippet it is and why it is named cc-. */
const DESCRIPTION_LEAD = 'Go Concurrency Review (cc-*, never clashes with vscode-go): ';

type Kind = 'declaration' | 'statements';

interface SnippetDef {
  prefix: string | string[];
  body: string | string[];
  description: string;
}

interface Snippet {
  name: string;
  def: SnippetDef;
  prefixes: string[];
  body: string;
  kind: Kind | undefined;
}

// ---------------------------------------------------------------------------------------------
// Expansion, following VS Code's snippet grammar:
//   $1  ${1}  ${1:placeholder}  ${1|one,two|}  $VAR  ${VAR}  ${VAR:default}
// with `\$`, `\}` and `\\` escapes (and `\,` `\|` inside choices). A `$` that starts none of
// these is plain text. Transforms (${1/re/fmt/}) are rejected: add them here when a snippet needs one.

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'tabstop'; index: number; placeholder?: Part[]; choices?: string[] }
  | { kind: 'variable'; name: string; fallback?: Part[] };

class SnippetParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): Part[] {
    const parts = this.parts(false);
    if (this.pos < this.src.length) throw new Error(`unexpected "}" at offset ${this.pos}`);
    return parts;
  }

  /** Parts up to the end, or (inside a placeholder) up to the unescaped `}` that closes it. */
  private parts(nested: boolean): Part[] {
    const parts: Part[] = [];
    let text = '';
    const flush = () => {
      if (text) parts.push({ kind: 'text', text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && '$}\\'.includes(this.src[this.pos + 1] ?? '')) {
        text += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === '}' && nested) {
        break;
      } else if (c === '$') {
        const part = this.dollar();
        if (part) {
          flush();
          parts.push(part);
        } else {
          text += c;
          this.pos++;
        }
      } else {
        text += c;
        this.pos++;
      }
    }
    flush();
    return parts;
  }

  /** A construct starting at `$`, or undefined (and no input consumed) when `$` is plain text. */
  private dollar(): Part | undefined {
    const rest = this.src.slice(this.pos);
    let m = /^\$(\d+)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { kind: 'tabstop', index: Number(m[1]) };
    }
    m = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (m) {
      this.pos += m[0].length;
      return { kind: 'variable', name: m[1] };
    }
    m = /^\$\{(\d+|[A-Za-z_][A-Za-z0-9_]*)([}:|/])/.exec(rest);
    if (!m) return undefined;
    const start = this.pos;
    const [, id, sep] = m;
    const isTabstop = /^\d/.test(id);
    this.pos += m[0].length;
    if (sep === '}') return isTabstop ? { kind: 'tabstop', index: Number(id) } : { kind: 'variable', name: id };
    if (sep === '/') throw new Error(`transform at offset ${start} is not supported by this test`);
    if (sep === '|') {
      if (!isTabstop) throw new Error(`choice on variable ${id} at offset ${start}`);
      const choices = this.choices();
      return { kind: 'tabstop', index: Number(id), choices };
    }
    const inner = this.parts(true);
    if (this.src[this.pos] !== '}') throw new Error(`unclosed \${${id}: at offset ${start}`);
    this.pos++;
    return isTabstop ? { kind: 'tabstop', index: Number(id), placeholder: inner } : { kind: 'variable', name: id, fallback: inner };
  }

  private choices(): string[] {
    const choices: string[] = [];
    let cur = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && ',|\\$}'.includes(this.src[this.pos + 1] ?? '')) {
        cur += this.src[this.pos + 1];
        this.pos += 2;
      } else if (c === ',') {
        choices.push(cur);
        cur = '';
        this.pos++;
      } else if (c === '|' && this.src[this.pos + 1] === '}') {
        choices.push(cur);
        this.pos += 2;
        return choices;
      } else {
        cur += c;
        this.pos++;
      }
    }
    throw new Error('unclosed choice');
  }
}

/** Values VS Code would give the variables in a file named snippet.go in package p. */
const VARIABLES: Record<string, string> = {
  TM_FILENAME: 'snippet.go',
  TM_FILENAME_BASE: 'snippet',
  TM_DIRECTORY: 'p',
  TM_FILEPATH: '/p/snippet.go',
  RELATIVE_FILEPATH: 'p/snippet.go',
  WORKSPACE_NAME: 'p',
  TM_SELECTED_TEXT: '',
  TM_CURRENT_WORD: '',
  TM_CURRENT_LINE: '',
  TM_LINE_INDEX: '0',
  TM_LINE_NUMBER: '1',
  CLIPBOARD: '',
  LINE_COMMENT: '//',
  BLOCK_COMMENT_START: '/*',
  BLOCK_COMMENT_END: '*/',
  CURRENT_YEAR: '2025',
};

/**
 * The text VS Code inserts when every placeholder keeps its default. A mirrored `$1` takes the
 * default of its `${1:...}`; choices take their first option; unknown variables insert their
 * own name (as VS Code does). Also returns problems: one tab stop given different defaults.
 */
function expandSnippet(body: string): { text: string; problems: string[] } {
  const parts = new SnippetParser(body).parse();
  const problems: string[] = [];
  const defaults = new Map<number, Part[] | string>();
  const collect = (list: Part[]) => {
    for (const p of list) {
      if (p.kind === 'tabstop' && (p.placeholder || p.choices)) {
        const def = p.choices ? p.choices[0] : p.placeholder!;
        const prev = defaults.get(p.index);
        if (prev === undefined) defaults.set(p.index, def);
        else if (render(prev, new Set()) !== render(def, new Set())) {
          problems.push(`tab stop $${p.index} has two different defaults`);
        }
      }
      if (p.kind === 'tabstop' && p.placeholder) collect(p.placeholder);
      if (p.kind === 'variable' && p.fallback) collect(p.fallback);
    }
  };
  const render = (list: Part[] | string, active: Set<number>): string => {
    if (typeof list === 'string') return list;
    let out = '';
    for (const p of list) {
      if (p.kind === 'text') out += p.text;
      else if (p.kind === 'variable') {
        out += p.name in VARIABLES ? VARIABLES[p.name] : p.fallback ? render(p.fallback, active) : p.name;
      } else {
        const def = defaults.get(p.index);
        if (def === undefined || active.has(p.index)) continue;
        active.add(p.index);
        out += render(def, active);
        active.delete(p.index);
      }
    }
    return out;
  };
  collect(parts);
  return { text: render(parts, new Set()), problems };
}

/**
 * The expansion as the test compiles it: a line that only held tab stops (the cursor's resting
 * place, now just indentation) is dropped, and so are trailing blank lines, as if the user had
 * typed nothing there yet.
 */
function insertedCode(body: string): string {
  const lines = expandSnippet(body).text.split('\n');
  const kept = lines.filter((l) => !(l.length > 0 && l.trim() === ''));
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  return kept.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Wrapping into a Go file.

const IMPORTS: [RegExp, string][] = [
  [/\bcontext\./, 'context'],
  [/\berrors\./, 'errors'],
  [/\bfmt\./, 'fmt'],
  [/\blog\./, 'log'],
  [/\bhttp\./, 'net/http'],
  [/\bos\./, 'os'],
  [/\bsignal\./, 'os/signal'],
  [/\bsync\./, 'sync'],
  [/\batomic\./, 'sync/atomic'],
  [/\btime\./, 'time'],
  [/\berrgroup\./, 'golang.org/x/sync/errgroup'],
];

function importBlock(code: string): string {
  const paths = IMPORTS.filter(([re]) => re.test(code)).map(([, path]) => path);
  const std = paths.filter((p) => !p.includes('.')).sort();
  const other = paths.filter((p) => p.includes('.')).sort();
  if (paths.length === 0) return '';
  if (paths.length === 1) return `import "${paths[0]}"\n\n`;
  const groups = [std, other].filter((g) => g.length > 0).map((g) => g.map((p) => `\t"${p}"\n`).join(''));
  return `import (\n${groups.join('\n')})\n\n`;
}

/** Whether statements at the top level of `code` end in a terminating statement (a return or `for {`). */
function endsInTerminatingStatement(code: string): boolean {
  const topLevel = code
    .split('\n')
    .filter((l) => l !== '' && !/^[\t }):]/.test(l) && !/^(case\b|default:)/.test(l) && !l.startsWith('//'));
  const last = topLevel[topLevel.length - 1] ?? '';
  return /^return\b/.test(last) || last === 'for {';
}

/**
 * Whether statements read a `ctx` they do not declare themselves, so the enclosing function must
 * receive one. `ctx, stop := signal.NotifyContext(context.Background(), ...)` does not (it is for
 * main); `ctx, cancel := context.WithTimeout(ctx, ...)` does.
 */
function readsOuterCtx(code: string): boolean {
  return /\bctx\b/.test(code.replace(/^ctx(?=(?:, *\w+)* :=)/gm, ''));
}

/** A Go file holding the snippet: statements go into `func snippet(ctx context.Context) error`. */
function goFileFor(kind: Kind, code: string): string {
  let decls = code;
  if (kind === 'statements') {
    const body = code
      .split('\n')
      .map((l) => (l === '' ? l : `\t${l}`))
      .join('\n');
    const tail = endsInTerminatingStatement(code) ? '' : '\n\treturn nil';
    const params = readsOuterCtx(code) ? 'ctx context.Context' : '';
    decls = `func snippet(${params}) error {\n${body}${tail}\n}`;
  }
  return `package p\n\n${importBlock(decls)}${decls}\n`;
}

function firstSyntaxError(root: Node): string {
  let found = '';
  walk(root, (n) => {
    if (found) return false;
    if (n.isError || n.isMissing) {
      found = `${n.isMissing ? 'MISSING' : 'ERROR'} at line ${n.startPosition.row + 1}: ${JSON.stringify(n.text.slice(0, 60))}`;
      return false;
    }
    return true;
  });
  return found || 'an error node (MISSING token) somewhere';
}

function parseProblem(go: GoLanguage, text: string): string | undefined {
  return withSyntax(go, text, (root) => (root.hasError ? firstSyntaxError(root) : undefined));
}

const numbered = (text: string) =>
  text
    .split('\n')
    .map((l, i) => `${String(i + 1).padStart(3)}| ${l}`)
    .join('\n');

/** Node types that may stand at the top level of a Go file. */
const TOP_LEVEL = new Set([
  'package_clause', 'import_declaration', 'function_declaration', 'method_declaration', 'type_declaration',
  'var_declaration', 'const_declaration', 'comment',
]);

function loadSnippets(): Snippet[] {
  const raw = JSON.parse(readFileSync(SNIPPETS_FILE, 'utf8')) as Record<string, SnippetDef>;
  return Object.entries(raw).map(([name, def]) => ({
    name,
    def,
    prefixes: def && typeof def.prefix === 'string' ? [def.prefix] : Array.isArray(def?.prefix) ? def.prefix : [],
    body: def && Array.isArray(def.body) ? def.body.join('\n') : typeof def?.body === 'string' ? def.body : '',
    kind: /\((declaration|statements)\)$/.exec(name)?.[1] as Kind | undefined,
  }));
}

// ---------------------------------------------------------------------------------------------

describe('snippets: expansion of snippet syntax', () => {
  it('expands placeholders, mirrors, choices, variables and escapes', () => {
    const { text, problems } = expandSnippet('a ${1:x} $1 ${2|one,two|} ${3} $0 \\$4 {\\} ${TM_FILENAME_BASE} ${NOPE:d} $NOPE2 ${1}');
    assert.equal(text, 'a x x one   $4 {} snippet d NOPE2 x');
    assert.deepEqual(problems, []);
  });

  it('resolves nested placeholders and mirrors declared later', () => {
    assert.equal(expandSnippet('$2 ${1:f(${2:v})}').text, 'v f(v)');
  });

  it('reports one tab stop with two different defaults', () => {
    assert.deepEqual(expandSnippet('${1:a} ${1:b}').problems, ['tab stop $1 has two different defaults']);
  });

  it('treats a lone $ as text and rejects transforms', () => {
    assert.equal(expandSnippet('cost $ 5 ${ x').text, 'cost $ 5 ${ x');
    assert.throws(() => expandSnippet('${1/a/b/}'), /transform/);
  });

  it('wraps statements into a function and adds only the imports used, gofmt-style', () => {
    const file = goFileFor('statements', 'var wg sync.WaitGroup\n<-ctx.Done()\nwg.Wait()');
    assert.equal(
      file,
      'package p\n\nimport (\n\t"context"\n\t"sync"\n)\n\n' +
        'func snippet(ctx context.Context) error {\n\tvar wg sync.WaitGroup\n\t<-ctx.Done()\n\twg.Wait()\n\treturn nil\n}\n',
    );
    assert.equal(gofmtProblem(file), undefined);
    assert.ok(goFileFor('statements', 'for {\n\tselect {}\n}').endsWith('\t}\n}\n'), 'no return after for {}');
    assert.ok(goFileFor('statements', 'ctx, cancel := context.WithTimeout(ctx, d)').includes('func snippet(ctx context.Context)'));
    assert.ok(goFileFor('statements', 'ctx, stop := signal.NotifyContext(context.Background())').includes('func snippet() error'));
  });
});

describe('snippets: go.code-snippets', function () {
  this.timeout(30000);
  const snippets = loadSnippets();
  let go: GoLanguage;

  before(async () => {
    go = await loadGoForTests();
  });

  it('has at least 12 snippets, each with prefix, body and description', () => {
    assert.ok(snippets.length >= 12, `only ${snippets.length} snippets`);
    for (const s of snippets) {
      assert.ok(s.prefixes.length > 0 && s.prefixes.every((p) => typeof p === 'string' && p), `${s.name}: no prefix`);
      assert.ok(s.body.trim(), `${s.name}: no body`);
      assert.ok(typeof s.def.description === 'string' && s.def.description.trim(), `${s.name}: no description`);
    }
  });

  it('covers every required pattern', () => {
    const have = new Set(snippets.flatMap((s) => s.prefixes));
    const missing = REQUIRED_PREFIXES.filter((p) => !have.has(p));
    assert.deepEqual(missing, [], 'required snippet prefixes missing');
  });

  it('uses unique cc- prefixes that never equal a vscode-go prefix', () => {
    const seen = new Map<string, string>();
    for (const s of snippets) {
      for (const p of s.prefixes) {
        assert.match(p, /^cc-[a-z0-9]+(-[a-z0-9]+)*$/, `${s.name}: prefix ${p} is not in the cc- family`);
        assert.ok(!VSCODE_GO_PREFIXES.has(p), `${s.name}: prefix ${p} shadows a vscode-go snippet`);
        assert.ok(!seen.has(p), `prefix ${p} is used by both "${seen.get(p)}" and "${s.name}"`);
        seen.set(p, s.name);
      }
    }
  });

  it('names where each snippet goes and says whose it is', () => {
    for (const s of snippets) {
      assert.ok(s.kind, `${s.name}: the name must end with "(declaration)" or "(statements)"`);
      assert.ok(s.def.description.startsWith(DESCRIPTION_LEAD), `${s.name}: description must start with "${DESCRIPTION_LEAD}"`);
    }
  });

  for (const s of snippets) {
    describe(`snippet ${s.prefixes.join(', ') || s.name}`, () => {
      it('has tab stops and gofmt-style lines (tab indentation, no trailing spaces)', () => {
        assert.match(s.body, /\$\{1[:|]/, `${s.name}: no first placeholder \${1:...}`);
        s.body.split('\n').forEach((line, i) => {
          assert.ok(!/^ /.test(line.replace(/^\t*/, '')) || line.trim() === '', `${s.name}: body line ${i + 1} is indented with spaces`);
          assert.ok(!/[ \t]$/.test(line), `${s.name}: body line ${i + 1} has trailing whitespace`);
        });
        assert.deepEqual(expandSnippet(s.body).problems, [], `${s.name}: inconsistent placeholders`);
      });

      it('expands to Go that parses, is gofmt-clean and draws no finding', () => {
        assert.ok(s.kind, `${s.name}: unknown kind`);
        const code = insertedCode(s.body);
        assert.ok(!/\$\{?\d/.test(code), `${s.name}: unexpanded tab stop left in:\n${code}`);
        const file = goFileFor(s.kind, code);

        const syntax = parseProblem(go, file);
        assert.ok(!syntax, `${s.name}: ${syntax}\n${numbered(file)}`);

        const fmt = gofmtProblem(file);
        assert.ok(!fmt, `${s.name}: ${fmt}\n--- the file was:\n${numbered(file)}`);

        const result = analyze(go, file, { fileName: 'snippet.go' });
        assert.deepEqual(result.errors, [], `${s.name}: a rule threw`);
        const findings = result.findings.map((f) => `  ${f.line}:${f.column} ${f.ruleId}: ${f.message}`);
        assert.ok(findings.length === 0, `${s.name}: our own rules report the snippet:\n${findings.join('\n')}\n${numbered(file)}`);
      });

      it(`is really ${s.kind === 'statements' ? 'statement' : 'declaration'}-level`, () => {
        // tree-sitter-go accepts statements at the top level of a file, so look at what it found there.
        const code = insertedCode(s.body);
        const tree = go.parse(`package p\n\n${code}\n`)!;
        try {
          const statements = tree.rootNode.namedChildren.filter((n) => n && !TOP_LEVEL.has(n.type)).map((n) => n!.type);
          if (s.kind === 'declaration') assert.deepEqual(statements, [], `${s.name}: has statements at the top level`);
          else assert.ok(statements.length > 0, `${s.name}: holds only declarations, so it should be named "(declaration)"`);
        } finally {
          tree.delete();
        }
      });
    });
  }
});
