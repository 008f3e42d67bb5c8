/**
 * Facts about one parsed file that several rules need: its functions, their parameters and
 * locals, struct fields, and the goroutines each function starts. Computed lazily, once per
 * analysis. This is syntax only: a "type" here is the text the code wrote or the expression
 * it was initialised with (`make(chan int)`, `sync.WaitGroup{}`), never an inferred one.
 */
import type { Node } from '../syntax/parser';
import {
  FUNCTION_TYPES,
  blockStatements,
  callArgs,
  callParts,
  contains,
  descendants,
  descendantsNaming,
  enclosingFunction,
  EVERYWHERE,
  focusRoots,
  isPackageCall,
  pathKey,
  unparen,
  walk,
} from '../syntax/nodes';
import type { SourceText } from '../text/source';

export interface Param {
  name: string;
  /** The declared type as written, whitespace removed: `*sync.WaitGroup`, `chan<-int`. */
  type: string;
  node: Node;
}

/** What a file can learn from the other files of its package. */
export interface PackageTypes {
  structField(typeName: string, field: string): string | undefined;
  /** Every field of a struct declared in another file (embedded ones keyed by their type's name). */
  structFields?(typeName: string): ReadonlyMap<string, string> | undefined;
  /** Result types of the package-level function `name` declared in another file. */
  funcResults(name: string): string[] | undefined;
}

export interface FuncInfo {
  node: Node;
  kind: 'function' | 'method' | 'literal';
  /** Declared name; undefined for literals. */
  name?: string;
  receiver?: { name?: string; type: string; typeName: string; pointer: boolean };
  params: Param[];
  /** Result types as written, one entry per result. */
  results: string[];
  /** Named results (`(n int, err error)`), which are variables of the function's own. */
  namedResults: Param[];
  body?: Node;
}

/** Function key for a declaration: `Type.method` or `name`. */
export function funcKey(fn: FuncInfo): string | undefined {
  if (!fn.name) return undefined;
  return fn.receiver ? `${fn.receiver.typeName}.${fn.name}` : fn.name;
}

export interface VarDecl {
  name: string;
  /** The identifier node in the declaration. */
  node: Node;
  /** Declared type text, when written (`var wg sync.WaitGroup`). */
  type?: string;
  /** The initialising expression, when there is one matched one-to-one (`ch := make(chan int)`). */
  init?: Node;
  /** For `a, b := f()`: the call and this variable's position among the results. */
  multi?: { call: Node; index: number };
  /** The statement that declares it. */
  statement: Node;
}

export interface GoStmt {
  node: Node;
  /** The function whose body contains the go statement. */
  spawner?: FuncInfo;
  /** The call being started: `go f(x)` -> `f(x)`; `go func(){...}()` -> the call of the literal. */
  call?: Node;
  /** The code the goroutine runs: the literal, or a function/method declared in this file. */
  target?: FuncInfo;
  /** Names inside `target` that stand for expressions of the spawner (parameters, the receiver). */
  bindings: Map<string, Node>;
  /** The innermost loop of the spawner around the go statement, if any. */
  loop?: Node;
}

const LOOP = new Set(['for_statement']);

/** Text of a declaration that may start a goroutine of a group (`g.Go(...)`). */
const GROUP_GO = /\.\s*Go\s*\(/;

/** Files whose name says they serve tests: `testing.go`, `test_helpers.go`, `testutil.go`, `helpers_testing.go`. */
const TEST_SUPPORT_FILE = /(^|[/\\_])(testing|test_?helpers?|test_?utils?)\.go$/;

/**
 * Folders whose code serves tests: `tests/framework/integration`, `e2e`, `internal/testutil`,
 * `integration-cli`, grpc-go's `interop`, test tools like moby's `cmd/networkdb-test`. Matched on the package's import path (its module path
 * and its folder in the module, as nested test modules like etcd's `go.etcd.io/etcd/tests/v3`
 * show), never on the file's path on disk, so a checkout under `~/tests/` changes nothing.
 */
const TEST_SUPPORT_DIR = /(^|\/)(tests?|e2e|testutils?|testing|testhelpers?|integration-cli|interop|[\w.]+-tests?)(\/|$)/;

/** `race` as a word of a Go name: `TestRace`, `raceFixture`, `data_race` (not `Trace` or `Brace`). */
const RACE_NAME = /(?:^|_)race|Race|RACE/;

/** The facts of each parsed file by the root of its tree, so that a node alone leads to its file. */
const filesByRoot = new WeakMap<Node, FileFacts>();

/**
 * Each function node's FuncInfo, read from its subtree alone. A declaration an edit did not touch
 * keeps its node objects in the next copy of the tree (see copyTree), and with them its FuncInfo.
 */
const funcInfos = new WeakMap<Node, FuncInfo>();

/**
 * The struct types declared in a top-level node (local ones in a function too) with their fields,
 * read from its subtree alone and kept with the node, which a keystroke elsewhere leaves alone.
 */
function structsIn(top: Node): readonly (readonly [string, Map<string, string>])[] {
  let out = structsByDecl.get(top);
  if (out) return out;
  const found: [string, Map<string, string>][] = [];
  for (const n of top.descendantsOfType('type_spec')) {
    const name = n.childForFieldName('name')?.text;
    const type = n.childForFieldName('type');
    if (!name || type?.type !== 'struct_type') continue;
    const fields = new Map<string, string>();
    for (const decl of type.descendantsOfType('field_declaration')) {
      const t = decl.childForFieldName('type');
      if (!t) continue;
      const names = decl.childrenForFieldName('name').filter((x): x is Node => x !== null);
      const typeText = compact(t.text);
      // An embedded pointer's `*` is not part of the type node: keep it, `*Link` is not `Link`.
      const embedded = decl.text.trimStart().startsWith('*') ? '*' + typeText : typeText;
      if (names.length === 0) fields.set(typeText.replace(/^\*/, '').replace(/^.*\./, ''), embedded);
      for (const nm of names) fields.set(nm.text, typeText);
    }
    found.push([name, fields]);
  }
  structsByDecl.set(top, (out = found));
  return out;
}
const structsByDecl = new WeakMap<Node, readonly (readonly [string, Map<string, string>])[]>();

/**
 * A struct's fields as an object, made once per fields map (kept with its declaration, see
 * structsIn) and shared, as PackageView.struct shares a summary's: never to be changed.
 */
export function fieldsObject(fields: ReadonlyMap<string, string>): Record<string, string> {
  let out = fieldObjects.get(fields);
  if (!out) fieldObjects.set(fields, (out = Object.fromEntries(fields)));
  return out;
}
const fieldObjects = new WeakMap<ReadonlyMap<string, string>, Record<string, string>>();

/** The facts of the file a node belongs to, when that file's facts have been made. */
export function factsOf(node: Node): FileFacts | undefined {
  let n = node;
  while (n.parent) n = n.parent;
  return filesByRoot.get(n);
}
const FIELD_WRITES = new Set(['keyed_element', 'assignment_statement']);
const DECLS = new Set(['short_var_declaration', 'range_clause', 'receive_statement', 'var_spec']);

export class FileFacts {
  private functionsCache?: FuncInfo[];
  private declsCache?: Map<string, FuncInfo>;
  private methodsCache?: Map<string, FuncInfo[]>;
  private structsCache?: Map<string, Map<string, string>>;
  private groupCache?: GoStmt[];
  private goCache?: GoStmt[];
  private localsCache = new Map<number, VarDecl[]>();
  private localsByNameCache = new Map<number, Map<string, VarDecl[]>>();
  private packageVarsByName?: Map<string, VarDecl>;
  private packageVarsCache?: VarDecl[];
  private importsCache?: Map<string, string>;
  private importNamesCache?: Map<string, string>;
  /** Set while `imports` is read: see importsBareNames. */
  private unnamedImports = false;

  constructor(
    readonly root: Node,
    readonly source: SourceText,
    readonly fileName: string,
    /** The package's import path ("example.com/m/tests/e2e"), when the host knows its module. */
    readonly importPath?: string,
  ) {
    filesByRoot.set(root, this);
  }

  get text(): string {
    return this.source.text;
  }

  /**
   * The value a local (`x := v`, `var x = v`) holds for good: its initial value, when no assignment
   * in its function gives it another one. Undefined for parameters, multi-value declarations and
   * reassigned names.
   */
  onlyValue(id: Node): Node | undefined {
    const found = this.lookup(id.text, id);
    const d = found?.decl;
    if (!d?.init || !found?.fn || d.multi) return undefined;
    return valuesAssigned(found.fn.node, id.text)?.length === 0 ? d.init : undefined;
  }

  /** True for `_test.go` files. */
  get isTest(): boolean {
    return /_test\.go$/.test(this.fileName);
  }

  /**
   * True for tests and the code that only serves them: `_test.go` files, files named like
   * `testing.go` or `test_helpers.go`, packages named like `fstest`, `testutil`, `testing` or `e2e`,
   * and packages whose import path has a folder that serves tests (`tests/`, `e2e/`,
   * `integration-cli/`; the import path, as a path on disk outside the module can hold anything).
   * Rules that weigh a hazard less in tests use this.
   */
  get isTestSupport(): boolean {
    if (this.isTest || TEST_SUPPORT_FILE.test(this.fileName)) return true;
    if (this.importPath !== undefined && TEST_SUPPORT_DIR.test(this.importPath.replace(/^[^/]*\.[^/]*\//, ''))) return true;
    const pkg = this.root.namedChildren.find((c) => c.type === 'package_clause')?.namedChildren[0]?.text ?? '';
    return /^(tests?|testing|testutils?|e2e|[a-z]+test)$/.test(pkg) && !/(la|con|at|pro|de)test$/.test(pkg);
  }

  /**
   * True when the code at `offset` belongs to a test helper: a function that takes a `*testing.T`,
   * `*testing.B`, `*testing.F`, `testing.TB` or testify's `TestingT` (or a literal inside one). Only a test can call it,
   * wherever its file is (a shared test suite kept in a package of its own, outside `_test.go`).
   */
  inTestHelper(offset: number): boolean {
    const testing = [...this.imports].find(([, path]) => path === 'testing')?.[0];
    // testify's convention, copied by assertion packages (mongo-go-driver's internal/assert):
    // `func Soon(t TestingT, ...)`, `assert.TestingT`, `require.TestingT`.
    const type = testing ? new RegExp(`^(\\*?${testing}\\.(T|B|F|TB)|(\\w+\\.)?TestingT)$`) : /^(\w+\.)?TestingT$/;
    if (!testing && !this.text.includes('TestingT')) return false;
    for (let f = enclosingFunction(this.root.descendantForIndex(offset, offset)); f; f = enclosingFunction(f)) {
      if (this.funcInfo(f).params.some((p) => type.test(p.type))) return true;
    }
    return false;
  }

  /**
   * Test code that races on purpose: `at` is in a test or test helper, inside a function named for
   * a race (`TestRaceDetected`, `triggerQuarantinedRaceFixture`) or a `case "race":` (dd-trace-go's
   * fixtures, whose tests check that the race detector fires). A fix would take away the race the
   * test exists to make.
   */
  racesOnPurpose(at: Node): boolean {
    if (!this.isTest && !this.inTestHelper(at.startIndex)) return false;
    for (let n: Node | null = at; n; n = n.parent) {
      if (n.type === 'function_declaration' || n.type === 'method_declaration') return RACE_NAME.test(n.childForFieldName('name')?.text ?? '');
      if (n.type === 'expression_case' && (n.childForFieldName('value')?.namedChildren ?? []).some((v) => v.type === 'interpreted_string_literal' && /\brace\b/i.test(v.text))) return true;
    }
    return false;
  }

  /**
   * The file's imports: local package name -> import path (`http` -> "net/http", or the alias
   * when one is written). Blank and dot imports are left out. The default name is the last path
   * element, which is right for the standard library and most modules.
   */
  get imports(): Map<string, string> {
    if (!this.importsCache) {
      const out = new Map<string, string>();
      const decls = this.root.namedChildren.filter((c): c is Node => c?.type === 'import_declaration');
      for (const spec of decls.flatMap((d) => descendants(d, 'import_spec'))) {
        const path = spec.childForFieldName('path')?.text.slice(1, -1);
        if (!path) continue;
        const alias = spec.childForFieldName('name')?.text;
        if (alias === '.' || path === 'C') this.unnamedImports = true;
        if (alias === '_' || alias === '.') continue;
        out.set(alias ?? path.slice(path.lastIndexOf('/') + 1), path);
      }
      this.importsCache = out;
    }
    return this.importsCache;
  }

  /**
   * True when the file imports names without a package name in front (`import . "strings"`) or
   * through cgo (`import "C"`): names it uses may come from there.
   */
  get importsBareNames(): boolean {
    void this.imports;
    return this.unnamedImports;
  }

  /** True when `name` is the name of a package this file imports. */
  isPackageName(name: string): boolean {
    return this.imports.has(name);
  }

  /**
   * The package this file belongs to, when the host supplied one: struct fields declared in
   * sibling files are looked up there.
   */
  pkg?: PackageTypes;

  /** The name this file uses for the package at `path` ("context"), or undefined when it is not imported by name. */
  importName(path: string): string | undefined {
    if (!this.importNamesCache) {
      // Rules ask for every call they look at: a map by path, the first name for a path imported twice.
      this.importNamesCache = new Map();
      for (const [name, p] of this.imports) if (!this.importNamesCache.has(p)) this.importNamesCache.set(p, name);
    }
    return this.importNamesCache.get(path);
  }

  /**
   * True when `call` is `pkg.name(...)` where `pkg` is the name this file imports `path` under
   * and no local declaration shadows that name at the call (`context.WithCancel`, `time.After`).
   */
  isImportCall(call: Node, path: string, names: string | ReadonlySet<string>): boolean {
    const pkg = this.importName(path);
    return pkg !== undefined && isPackageCall(call, pkg, names) && !this.lookup(pkg, call);
  }

  /** Every function, method and function literal, in document order. */
  get functions(): FuncInfo[] {
    if (!this.functionsCache) {
      this.functionsCache = descendants(this.root, FUNCTION_TYPES).map((n) => this.funcInfo(n));
    }
    return this.functionsCache;
  }

  /** The file's package-level functions (not methods) by name. */
  get packageFunctions(): ReadonlyMap<string, FuncInfo> {
    if (!this.packageFunctionsCache) {
      this.packageFunctionsCache = new Map();
      for (const d of this.root.namedChildren) {
        if (d?.type !== 'function_declaration') continue;
        const info = this.funcInfo(d);
        if (info.name) this.packageFunctionsCache.set(info.name, info);
      }
    }
    return this.packageFunctionsCache;
  }

  private packageFunctionsCache?: Map<string, FuncInfo>;

  funcInfo(node: Node): FuncInfo {
    let info = funcInfos.get(node);
    if (!info) funcInfos.set(node, (info = buildFuncInfo(node)));
    return info;
  }

  /** The innermost function containing `node`. */
  functionOf(node: Node): FuncInfo | undefined {
    const f = enclosingFunction(node);
    return f ? this.funcInfo(f) : undefined;
  }

  /** Top-level functions by name. */
  get declarations(): Map<string, FuncInfo> {
    if (!this.declsCache) {
      this.declsCache = new Map();
      for (const f of this.functions) if (f.kind === 'function' && f.name) this.declsCache.set(f.name, f);
    }
    return this.declsCache;
  }

  /** Methods by name (several types may share a method name). */
  get methods(): Map<string, FuncInfo[]> {
    if (!this.methodsCache) {
      this.methodsCache = new Map();
      for (const f of this.functions) {
        if (f.kind !== 'method' || !f.name) continue;
        const list = this.methodsCache.get(f.name) ?? [];
        list.push(f);
        this.methodsCache.set(f.name, list);
      }
    }
    return this.methodsCache;
  }

  /**
   * The type of a field of a struct of the file or the package, or of one promoted from a struct
   * of the package it embeds (juicefs' `s.store`, where `wSlice` embeds `rSlice`, which holds
   * `store`), at most two embeddings deep; undefined when two embedded structs provide it.
   */
  private fieldType(typeName: string, field: string, depth = 0): string | undefined {
    const own = this.structs.get(typeName) ?? this.pkg?.structFields?.(typeName);
    const direct = own?.get(field) ?? this.pkg?.structField(typeName, field);
    if (direct !== undefined || !own || depth >= 2) return direct;
    let found: string | undefined;
    for (const [name, type] of own) {
      const base = type.replace(/^\*/, '');
      if (base !== name) continue;
      const t = this.fieldType(base, field, depth + 1);
      if (t === undefined) continue;
      if (found !== undefined) return undefined;
      found = t;
    }
    return found;
  }

  /** Struct types declared in the file: type name -> field name -> field type text. Embedded fields are keyed by type name. */
  get structs(): Map<string, Map<string, string>> {
    if (!this.structsCache) {
      const out = new Map<string, Map<string, string>>();
      for (const top of this.root.children) for (const [name, fields] of structsIn(top)) out.set(name, fields);
      this.structsCache = out;
    }
    return this.structsCache;
  }

  /** Every go statement, with the code it runs resolved where the file shows it. */
  get goStatements(): GoStmt[] {
    if (!this.goCache) {
      this.goCache = descendants(this.root, 'go_statement').map((n) => this.resolveGo(n));
    }
    return this.goCache;
  }

  /**
   * `g.Go(func() error {...})` calls of an `errgroup.Group` or a `sync.WaitGroup`: the literal runs
   * on a goroutine of its own, as with `go`. Each is described as a go statement whose node is the
   * `g.Go` call.
   */
  get groupStarts(): GoStmt[] {
    if (!this.groupCache) {
      this.groupCache = [];
      if (this.text.includes('.Go(')) {
        for (const call of descendantsNaming(this.root, GROUP_GO, 'call_expression')) {
          const lit = callArgs(call)[0];
          if (lit?.type !== 'func_literal' || callArgs(call).length !== 1 || !this.isGroupGo(call)) continue;
          let loop: Node | undefined;
          for (let p = call.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
            if (LOOP.has(p.type)) {
              loop = p;
              break;
            }
          }
          this.groupCache.push({ node: call, spawner: this.functionOf(call), target: this.funcInfo(lit), bindings: new Map(), loop });
        }
      }
    }
    return this.groupCache;
  }

  /** `g.Go(f)` of an `errgroup.Group`, or of a `sync.WaitGroup` (Go 1.25): `f` runs on a goroutine the group counts. */
  isGroupGo(call: Node): boolean {
    if (isErrgroupCall(this, call, 'Go')) return true;
    const parts = callParts(call);
    return parts?.name === 'Go' && !!parts.receiverNode && isWaitGroupType(this.typeOf(parts.receiverNode));
  }

  /**
   * Resolves the function a call runs when the file declares it: a literal called in place,
   * `f(...)` for a top-level function, `x.m(...)` for a method `m` when exactly one type in the
   * file declares it (or the receiver's type is known). Returns the target and the bindings of
   * its parameter and receiver names to the caller's expressions.
   */
  resolveCall(call: Node): { target: FuncInfo; bindings: Map<string, Node> } | undefined {
    const fn = call.childForFieldName('function');
    if (!fn) return undefined;
    const f = unparen(fn);
    let target: FuncInfo | undefined;
    const bindings = new Map<string, Node>();
    if (f.type === 'func_literal') {
      target = this.funcInfo(f);
    } else if (f.type === 'identifier') {
      target = this.declarations.get(f.text);
    } else if (f.type === 'selector_expression') {
      const name = f.childForFieldName('field')?.text;
      const operand = f.childForFieldName('operand');
      const candidates = name ? this.methods.get(name) ?? [] : [];
      if (operand && candidates.length > 0) {
        const recvType = this.typeOf(operand);
        const typeName = recvType ? baseTypeName(recvType) : undefined;
        target = typeName ? candidates.find((c) => c.receiver?.typeName === typeName) : undefined;
        if (!target && candidates.length === 1 && !recvType) target = candidates[0];
        if (target?.receiver?.name) bindings.set(target.receiver.name, operand);
      }
    }
    if (!target) return undefined;
    const args = callArgs(call);
    target.params.forEach((p, i) => {
      if (args[i] && p.name !== '_') bindings.set(p.name, args[i]);
    });
    return { target, bindings };
  }

  private resolveGo(node: Node): GoStmt {
    const call = node.namedChildren.find((c) => c?.type === 'call_expression') ?? undefined;
    const spawner = this.functionOf(node);
    let loop: Node | undefined;
    for (let p = node.parent; p && !FUNCTION_TYPES.has(p.type); p = p.parent) {
      if (LOOP.has(p.type)) {
        loop = p;
        break;
      }
    }
    const resolved = call ? this.resolveCall(call) ?? this.resolveFuncValue(call, spawner) : undefined;
    return { node, spawner, call, target: resolved?.target, bindings: resolved?.bindings ?? new Map(), loop };
  }

  /**
   * `run := func() {...}; go run()`: a local function value whose only use is this one go
   * statement (no other call, no reassignment, not passed on) runs as a goroutine literal would.
   */
  private resolveFuncValue(call: Node, spawner: FuncInfo | undefined): { target: FuncInfo; bindings: Map<string, Node> } | undefined {
    const f = call.childForFieldName('function');
    if (f?.type !== 'identifier' || !spawner?.body || callArgs(call).length > 0) return undefined;
    const decl = this.lookup(f.text, f)?.decl;
    if (decl?.init?.type !== 'func_literal' || decl.multi) return undefined;
    const uses = descendants(spawner.body, 'identifier').filter((n) => n.text === f.text && n.id !== decl.node.id && this.lookup(n.text, n)?.decl === decl);
    if (uses.length !== 1 || uses[0].id !== f.id) return undefined;
    return { target: this.funcInfo(decl.init), bindings: new Map() };
  }

  /** Variables declared inside a function's own body (not inside nested literals), in order. */
  locals(fn: FuncInfo): VarDecl[] {
    let list = this.localsCache.get(fn.node.id);
    if (!list) {
      list = fn.body ? collectDecls(fn.body, true) : [];
      this.localsCache.set(fn.node.id, list);
    }
    return list;
  }

  /** The locals of `fn` with a given name, in order (lookups are per name; big functions have hundreds of locals). */
  private localsNamed(fn: FuncInfo, name: string): readonly VarDecl[] {
    let byName = this.localsByNameCache.get(fn.node.id);
    if (!byName) {
      byName = new Map();
      for (const d of this.locals(fn)) {
        const list = byName.get(d.name);
        if (list) list.push(d);
        else byName.set(d.name, [d]);
      }
      this.localsByNameCache.set(fn.node.id, byName);
    }
    return byName.get(name) ?? [];
  }

  /** Package-level `var` declarations. */
  get packageVars(): VarDecl[] {
    if (!this.packageVarsCache) {
      const out: VarDecl[] = [];
      for (const child of this.root.namedChildren) {
        if (child?.type === 'var_declaration') out.push(...collectDecls(child, false));
      }
      this.packageVarsCache = out;
    }
    return this.packageVarsCache;
  }

  /**
   * The declaration a name refers to at `at`: the nearest one before it in the innermost
   * function, then in the enclosing functions (closures capture), then the package.
   */
  lookup(name: string, at: Node): { decl?: VarDecl; param?: Param; result?: Param; fn?: FuncInfo; receiver?: FuncInfo } | undefined {
    for (let fnNode = enclosingFunction(at); fnNode; fnNode = enclosingFunction(fnNode)) {
      const fn = this.funcInfo(fnNode);
      let best: VarDecl | undefined;
      for (const d of this.localsNamed(fn, name)) {
        if (d.node.startIndex <= at.startIndex && scopeHolds(d, at)) best = d;
      }
      if (best) return { decl: best, fn };
      const param = fn.params.find((p) => p.name === name);
      if (param) return { param, fn };
      if (fn.receiver?.name === name) return { receiver: fn, fn };
      const result = fn.namedResults.find((p) => p.name === name);
      if (result) return { result, fn };
    }
    this.packageVarsByName ??= new Map(this.packageVars.map((d) => [d.name, d]));
    const pv = this.packageVarsByName.get(name);
    return pv ? { decl: pv } : undefined;
  }

  /**
   * The type of an addressable expression as far as the file shows it: declared types,
   * parameter types, struct field types, and initialisers such as `make(chan T)`,
   * `sync.WaitGroup{}`, `&sync.Mutex{}` or `new(sync.WaitGroup)`. Whitespace is removed.
   */
  typeOf(expr: Node, depth = 0): string | undefined {
    const n = unparen(expr);
    if (n.type === 'identifier') {
      const found = this.lookup(n.text, n);
      if (!found) return undefined;
      if (found.param) return found.param.type;
      if (found.receiver) return found.receiver.receiver?.type;
      if (!found.decl) return undefined;
      const declared = declType(found.decl);
      if (declared || depth > 3) return declared;
      // `d := newDiscoverer(...)`, `s, err := NewServer()`: what the package's constructor returns.
      const made = found.decl.multi ?? (found.decl.init ? { call: found.decl.init, index: 0 } : undefined);
      const result = made && this.resultType(made.call, made.index);
      if (result) return result;
      // `for _, v := range s.m`, `st, ok := s.m[id]`: an element of a map or slice of known type.
      const element = elementDecl(found.decl);
      if (element) {
        const t = this.typeOf(element, depth + 1);
        return t ? elementType(t) : undefined;
      }
      // `nr := c.nr`: the type of the field or variable it copies.
      const init = found.decl.init;
      if (!init || (init.type !== 'selector_expression' && init.type !== 'identifier')) return undefined;
      return init.startIndex > found.decl.node.startIndex ? this.typeOf(init, depth + 1) : undefined;
    }
    if (n.type === 'selector_expression') {
      const operand = n.childForFieldName('operand');
      const field = n.childForFieldName('field')?.text;
      if (!operand || !field) return undefined;
      const base = this.typeOf(operand, depth + 1);
      // A type of another package (`*http.Request`) has no fields we know.
      if (!base || base.replace(/^\*+/, '').includes('.')) return undefined;
      return this.fieldType(baseTypeName(base), field);
    }
    if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '&') {
      const inner = n.childForFieldName('operand');
      const t = inner ? this.typeOf(inner) : undefined;
      return t ? '*' + t : undefined;
    }
    return initType(n);
  }

  /**
   * The type of result `index` of a call to a function of this package (`newDiscoverer(...)`),
   * declared in this file or a sibling. Undefined for methods, function values and other packages.
   */
  private resultType(call: Node, index: number): string | undefined {
    const n = unparen(call);
    if (n.type !== 'call_expression') return undefined;
    const f = n.childForFieldName('function');
    if (f?.type !== 'identifier' || this.lookup(f.text, f)) return undefined;
    const own = this.packageFunctions.get(f.text);
    const results = own ? own.results : this.pkg?.funcResults(f.text);
    const t = results?.[index];
    return t ? compact(t) : undefined;
  }

  /** The `make(chan ...)` a channel expression was created by, when the file shows it. */
  channelMake(expr: Node): { make: Node; capacity?: Node; elem: string } | undefined {
    const n = unparen(expr);
    let init: Node | undefined;
    if (n.type === 'identifier') {
      const found = this.lookup(n.text, n);
      init = found?.decl?.init;
    } else if (n.type === 'selector_expression') {
      init = this.fieldInit(n);
    }
    return init ? parseChanMake(init) : undefined;
  }

  /**
   * True when some `make(chan T, n)` with a capacity other than a literal 0 is assigned to the
   * channel's variable or field anywhere in the file: a send on it may not wait at all.
   */
  mayBeBuffered(expr: Node): boolean {
    const n = unparen(expr);
    const name = n.type === 'selector_expression' ? n.childForFieldName('field')?.text : n.type === 'identifier' ? n.text : undefined;
    if (!name) return false;
    const buffered = (v: Node | undefined) => {
      const m = v ? parseChanMake(v) : undefined;
      return !!m && hasBuffer(m);
    };
    // A field's stores into another struct type's field of the same name do not count.
    const owner = n.type === 'selector_expression' ? this.ownerType(n.childForFieldName('operand')!) : undefined;
    if (this.assignedValues(name, true, owner).some(buffered)) return true;
    return n.type === 'identifier' && buffered(this.lookup(n.text, n)?.decl?.init);
  }

  /**
   * For `x.f`: the expression assigned to field f in a composite literal `T{f: ...}` or an
   * assignment `x.f = ...` visible in the file, when there is exactly one.
   */
  private fieldInit(sel: Node): Node | undefined {
    const field = sel.childForFieldName('field')?.text;
    const operand = sel.childForFieldName('operand');
    const candidates = field ? this.assignedValues(field, false, operand ? this.ownerType(operand) : undefined) : [];
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  /** The struct type a value is of, without pointer (`*Hub` -> `Hub`), when it is a plain name. */
  private ownerType(x: Node): string | undefined {
    const t = this.typeOf(x)?.replace(/^\*/, '');
    return t && /^[A-Za-z_]\w*$/.test(t) ? t : undefined;
  }

  /**
   * The struct type a store writes a field of: the type of the composite literal a keyed element
   * belongs to (`&Hub{events: ...}`), or of `x` in `x.f = v`; undefined when unknown.
   */
  private storeOwner(store: Node): string | undefined {
    if (store.type === 'keyed_element') {
      const lit = store.parent?.type === 'literal_value' ? store.parent.parent : undefined;
      const type = lit?.type === 'composite_literal' ? lit.childForFieldName('type') : undefined;
      return type?.type === 'type_identifier' ? type.text : undefined;
    }
    return store.type === 'selector_expression' ? this.ownerType(store.childForFieldName('operand')!) : undefined;
  }

  /**
   * Fields the file stores a new channel in (`T{reqc: make(chan req)}`, `s.reqc = make(chan req, 8)`),
   * by `Type.field` when the file shows the struct type stored into, else by field name: buffered
   * when any such make has a capacity other than a literal 0.
   */
  fieldChannelMakes(): Map<string, 'buffered' | 'unbuffered'> {
    return mergeChannelMakes(this.channelMakesIn(this.root));
  }

  /** The channel makes stored into fields within `under` (a top-level declaration), in order, before merging (see fieldChannelMakes). */
  channelMakesIn(under: Node): [string, 'buffered' | 'unbuffered'][] {
    const out: [string, 'buffered' | 'unbuffered'][] = [];
    for (const w of under === this.root ? this.writes(false) : storesIn(under, false)) {
      const m = parseChanMake(w.value);
      if (!m) continue;
      const owner = w.store ? this.storeOwner(w.store) : undefined;
      out.push([owner ? `${owner}.${w.name}` : w.name, hasBuffer(m) ? 'buffered' : 'unbuffered']);
    }
    return out;
  }

  /**
   * Every value the file stores under `name`: keyed elements `name: v` of composite literals and
   * assignments `x.name = v` (and `name = v` with `plainToo`).
   */
  private assignedValues(name: string, plainToo: boolean, owner?: string): Node[] {
    return this.writes(plainToo)
      .filter((w) => w.name === name && (owner === undefined || w.store === undefined || (this.storeOwner(w.store) ?? owner) === owner))
      .map((w) => w.value);
  }

  /** The file's stores, found once per kind: keyed elements, field assignments (and plain ones with `plainToo`). */
  private writes(plainToo: boolean): readonly FieldStore[] {
    const cached = this.writesCache[plainToo ? 1 : 0];
    if (cached) return cached;
    return (this.writesCache[plainToo ? 1 : 0] = storesIn(this.root, plainToo));
  }

  private readonly writesCache: (readonly FieldStore[] | undefined)[] = [];
}

/** A value the file stores under a name: `store` is the keyed element or the `x.f` it is stored through. */
interface FieldStore {
  name: string;
  value: Node;
  store?: Node;
}

/** The stores within `root`: keyed elements, field assignments (and plain ones with `plainToo`), in document order. */
function storesIn(root: Node, plainToo: boolean): FieldStore[] {
  const out: FieldStore[] = [];
  for (const n of descendants(root, FIELD_WRITES)) {
    if (n.type === 'keyed_element') {
      const key = n.namedChild(0);
      const value = n.namedChild(1);
      if (key && value) out.push({ name: key.text, value: literalValue(value), store: n });
      continue;
    }
    const left = n.childForFieldName('left')?.namedChildren ?? [];
    const right = n.childForFieldName('right')?.namedChildren ?? [];
    left.forEach((l, i) => {
      const name = l.type === 'selector_expression' ? l.childForFieldName('field')?.text : plainToo && l.type === 'identifier' ? l.text : undefined;
      if (name && right[i]) out.push({ name, value: right[i], ...(l.type === 'selector_expression' ? { store: l } : {}) });
    });
  }
  return out;
}

/** Channel makes by field, in order of first store: buffered when any store is (see FileFacts.fieldChannelMakes). */
export function mergeChannelMakes(list: readonly (readonly [string, 'buffered' | 'unbuffered'])[]): Map<string, 'buffered' | 'unbuffered'> {
  const out = new Map<string, 'buffered' | 'unbuffered'>();
  for (const [key, kind] of list) if (out.get(key) !== 'buffered') out.set(key, kind);
  return out;
}

/** The expression of a composite literal's element: `v` of `f: v` (tree-sitter wraps it in a literal_element). */
export function literalValue(n: Node): Node {
  return n.type === 'literal_element' && n.namedChild(0) ? n.namedChild(0)! : n;
}

/** Removes all whitespace from a type's text: `chan <- int` -> `chan<-int`. */
export function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

/** `*pkg.Store[T]` -> `Store`. */
export function baseTypeName(type: string): string {
  return type
    .replace(/^[*&]+/, '')
    .replace(/\[.*$/, '')
    .replace(/^.*\./, '');
}

function buildFuncInfo(node: Node): FuncInfo {
  const kind = node.type === 'method_declaration' ? 'method' : node.type === 'func_literal' ? 'literal' : 'function';
  const info: FuncInfo = {
    node,
    kind,
    name: node.childForFieldName('name')?.text,
    params: paramsOf(node.childForFieldName('parameters')),
    results: resultsOf(node.childForFieldName('result')),
    namedResults: namedResultsOf(node.childForFieldName('result')),
    body: node.childForFieldName('body') ?? undefined,
  };
  if (kind === 'method') {
    const recv = paramsOf(node.childForFieldName('receiver'))[0];
    if (recv) {
      info.receiver = {
        name: recv.name === '' || recv.name === '_' ? undefined : recv.name,
        type: recv.type,
        typeName: baseTypeName(recv.type),
        pointer: recv.type.startsWith('*'),
      };
    }
  }
  return info;
}

function paramsOf(list: Node | null): Param[] {
  const out: Param[] = [];
  if (!list) return out;
  for (const p of list.namedChildren) {
    if (!p || (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration')) continue;
    const typeNode = p.childForFieldName('type');
    const type = typeNode ? compact(typeNode.text) : '';
    const names = p.childrenForFieldName('name').filter((x): x is Node => x !== null);
    if (names.length === 0) out.push({ name: '', type, node: p });
    for (const nm of names) out.push({ name: nm.text, type: p.type === 'variadic_parameter_declaration' ? '...' + type : type, node: nm });
  }
  return out;
}

function namedResultsOf(result: Node | null): Param[] {
  return result?.type === 'parameter_list' ? paramsOf(result).filter((p) => p.name !== '' && p.name !== '_') : [];
}

function resultsOf(result: Node | null): string[] {
  if (!result) return [];
  if (result.type !== 'parameter_list') return [compact(result.text)];
  return paramsOf(result).map((p) => p.type);
}

/** Declarations in a body (`:=`, `var`), not entering nested function literals when `ownOnly`. */
function collectDecls(root: Node, ownOnly: boolean): VarDecl[] {
  const out: VarDecl[] = [];
  for (const n of descendants(root, DECLS, ownOnly)) {
    if (n.type === 'short_var_declaration' || n.type === 'range_clause' || n.type === 'receive_statement') {
      if (n.type !== 'short_var_declaration' && !n.children.some((c) => c?.type === ':=')) continue;
      const left = (n.childForFieldName('left')?.namedChildren ?? []).filter((x): x is Node => x !== null);
      const right = (n.childForFieldName('right')?.namedChildren ?? (n.type === 'range_clause' ? [] : [])).filter(
        (x): x is Node => x !== null,
      );
      const stmt = n.type === 'range_clause' ? n.parent ?? n : n;
      left.forEach((id, i) => {
        if (id.type !== 'identifier' || id.text === '_') return;
        const d: VarDecl = { name: id.text, node: id, statement: stmt };
        if (n.type === 'short_var_declaration') {
          if (right.length === left.length) d.init = right[i];
          else if (right.length === 1 && right[0].type === 'call_expression') d.multi = { call: right[0], index: i };
        }
        out.push(d);
      });
    } else if (n.type === 'var_spec') {
      const names = n.childrenForFieldName('name').filter((x): x is Node => x !== null);
      const type = n.childForFieldName('type');
      const values = (n.childForFieldName('value')?.namedChildren ?? []).filter((x): x is Node => x !== null);
      names.forEach((id, i) => {
        if (id.text === '_') return;
        const d: VarDecl = { name: id.text, node: id, statement: declStatement(n), type: type ? compact(type.text) : undefined };
        if (values.length === names.length) d.init = values[i];
        else if (values.length === 1 && values[0].type === 'call_expression') d.multi = { call: values[0], index: i };
        out.push(d);
      });
    }
  }
  return out;
}

/** The `var` statement that holds a spec (specs may sit in a parenthesised list). */
function declStatement(spec: Node): Node {
  let n: Node = spec;
  while (n.parent && n.type !== 'var_declaration') n = n.parent;
  return n.type === 'var_declaration' ? n : spec;
}

/** A declaration is visible from `at` when `at` lies inside the block that holds the declaration. */
function scopeHolds(d: VarDecl, at: Node): boolean {
  let scope: Node | null = d.statement.parent;
  // For `if x := ...; cond {}` and `for i := ...` the scope is the statement itself.
  if (d.statement.parent && ['if_statement', 'for_clause', 'expression_switch_statement', 'type_switch_statement'].includes(d.statement.parent.type)) {
    scope = d.statement.parent.type === 'for_clause' ? d.statement.parent.parent : d.statement.parent;
  }
  if (d.statement.type === 'for_statement') scope = d.statement;
  if (d.statement.type === 'receive_statement') scope = d.statement.parent; // select case
  return !scope || contains(scope, at);
}

function declType(d: VarDecl): string | undefined {
  if (d.type) return d.type;
  if (d.init) return initType(d.init);
  if (d.multi) {
    const parts = callParts(d.multi.call);
    if (parts?.receiver === 'context' && /^With(Cancel|Timeout|Deadline)(Cause)?$/.test(parts.name)) {
      return d.multi.index === 0 ? 'context.Context' : parts.name.endsWith('Cause') ? 'context.CancelCauseFunc' : 'context.CancelFunc';
    }
    if (parts?.receiver === 'errgroup' && parts.name === 'WithContext') {
      return d.multi.index === 0 ? '*errgroup.Group' : 'context.Context';
    }
  }
  return undefined;
}

/**
 * The container a local takes an element of: `s.m` for the value of `for _, v := range s.m`, for
 * `st := s.m[id]` and for `st, ok := s.m[id]`. Undefined for anything else.
 */
function elementDecl(decl: VarDecl): Node | undefined {
  const stmt = decl.statement;
  if (stmt.type === 'for_statement') {
    const clause = stmt.namedChildren.find((c) => c?.type === 'range_clause');
    const left = clause?.childForFieldName('left')?.namedChildren ?? [];
    return left.length === 2 && left[1]?.id === decl.node.id ? (clause?.childForFieldName('right') ?? undefined) : undefined;
  }
  if (stmt.type !== 'short_var_declaration') return undefined;
  const left = stmt.childForFieldName('left')?.namedChildren ?? [];
  const right = stmt.childForFieldName('right')?.namedChildren ?? [];
  const v = right.length === 1 && left[0]?.id === decl.node.id ? unparen(right[0]!) : undefined;
  return v?.type === 'index_expression' ? (v.childForFieldName('operand') ?? undefined) : undefined;
}

/** The element type of a map or slice type: `map[string]*T` -> `*T`, `[]T` -> `T`. */
function elementType(type: string): string | undefined {
  const t = type.replace(/\s+/g, '');
  if (t.startsWith('[]')) return t.slice(2);
  if (!t.startsWith('map[')) return undefined;
  let depth = 0;
  for (let i = 3; i < t.length; i++) {
    if (t[i] === '[') depth++;
    else if (t[i] === ']' && --depth === 0) return t.slice(i + 1) || undefined;
  }
  return undefined;
}

/** The type an initialiser expression evidently has, or undefined. */
function initType(init: Node): string | undefined {
  const n = unparen(init);
  switch (n.type) {
    case 'composite_literal': {
      const t = n.childForFieldName('type');
      return t ? compact(t.text) : undefined;
    }
    case 'unary_expression': {
      if (n.childForFieldName('operator')?.text !== '&') return undefined;
      const inner = n.childForFieldName('operand');
      const t = inner ? initType(inner) : undefined;
      return t ? '*' + t : undefined;
    }
    case 'call_expression': {
      const parts = callParts(n);
      const args = callArgs(n);
      if (parts?.name === 'make' && !parts.receiver && args[0]) return compact(args[0].text);
      if (parts?.name === 'new' && !parts.receiver && args[0]) return '*' + compact(args[0].text);
      if (parts?.receiver === 'context' && (parts.name === 'Background' || parts.name === 'TODO')) return 'context.Context';
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `make(chan T)` / `make(chan T, n)` -> its parts. */
export function parseChanMake(init: Node): { make: Node; capacity?: Node; elem: string } | undefined {
  const n = unparen(init);
  if (n.type !== 'call_expression') return undefined;
  const parts = callParts(n);
  if (parts?.name !== 'make' || parts.receiver) return undefined;
  const args = callArgs(n);
  if (args[0]?.type !== 'channel_type') return undefined;
  const elem = args[0].childForFieldName('value');
  return { make: n, capacity: args[1], elem: elem ? compact(elem.text) : '' };
}

/** A `make(chan T, n)` with a buffer: a capacity other than a literal `0`. */
export function hasBuffer(made: { capacity?: Node }): boolean {
  return made.capacity !== undefined && made.capacity.text !== '0';
}

/** True for types that are a sync.WaitGroup or a pointer to one. */
export function isWaitGroupType(t: string | undefined): boolean {
  return t === 'sync.WaitGroup' || t === '*sync.WaitGroup';
}

/** `c` is a `sync.Cond`: declared so, or made by `sync.NewCond` in its declaration. */
export function isCondValue(file: FileFacts, recv: Node): boolean {
  const t = file.typeOf(recv)?.replace(/^\*/, '');
  if (t === 'sync.Cond') return true;
  const n = unparen(recv);
  if (n.type !== 'identifier') return false;
  const init = file.lookup(n.text, n)?.decl?.init;
  return init !== undefined && unparen(init).type === 'call_expression' && file.isImportCall(unparen(init), 'sync', 'NewCond');
}

/** Statements of a function body, for rules that look at straight-line order. */
export function bodyStatements(fn: FuncInfo): Node[] {
  return blockStatements(fn.body);
}

/** All bindings path keys: rewrites `p.wg` in a goroutine body to the spawner's `s.wg` through `bindings`. */
export function rebind(key: string, bindings: Map<string, Node>): string | undefined {
  const [head, ...rest] = key.split('.');
  const bound = bindings.get(head);
  if (!bound) return key;
  const boundKey = pathKey(bound);
  return boundKey ? [boundKey, ...rest].join('.') : undefined;
}

/**
 * True when identifier `id` is only written here: a name on the left of `=` or `:=`, of a `var`
 * spec, of a range clause, or a parameter name. Everything else reads the variable.
 */
export function isWriteTarget(id: Node): boolean {
  const p = id.parent;
  if (!p) return false;
  if (p.type === 'var_spec' || p.type === 'const_spec' || p.type === 'parameter_declaration' || p.type === 'variadic_parameter_declaration') {
    return p.childrenForFieldName('name').some((n) => n?.id === id.id);
  }
  if (p.type !== 'expression_list') return false;
  const stmt = p.parent;
  if (!stmt || !['assignment_statement', 'short_var_declaration', 'range_clause', 'receive_statement'].includes(stmt.type)) return false;
  if (stmt.childForFieldName('left')?.id !== p.id) return false;
  // `x += 1` reads x as well.
  return stmt.type !== 'assignment_statement' || stmt.childForFieldName('operator')?.text === '=';
}

/**
 * Reads of the variable `name` under `root`, from offset `after` on, that may let its value
 * outlive the current call: returned, stored (assigned, put in a composite literal, sent on a
 * channel, address taken), or used by a `go` statement or a function literal that is not called
 * in place. Passing it as a call argument, calling its methods and comparing it do not count:
 * syntax cannot see what a callee keeps.
 */
export function escapingUses(root: Node, name: string, after = 0): Node[] {
  const out: Node[] = [];
  walk(root, (n) => {
    if (n.endIndex <= after) return false;
    if (n.type !== 'identifier' || n.text !== name || n.startIndex < after || isWriteTarget(n)) return;
    if (capturedLater(n, root)) {
      out.push(n);
      return;
    }
    const p = n.parent;
    if (!p) return;
    const escapes =
      (p.type === 'expression_list' && ['return_statement', 'assignment_statement', 'short_var_declaration', 'var_spec'].includes(p.parent?.type ?? '')) ||
      p.type === 'return_statement' ||
      p.type === 'literal_element' ||
      p.type === 'keyed_element' ||
      (p.type === 'send_statement' && p.childForFieldName('value')?.id === n.id) ||
      (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&') ||
      p.type === 'go_statement';
    if (escapes) out.push(n);
  });
  return out;
}

/** True when `n` sits in a `go` statement or in a function literal (under `root`) that is not called in place. */
export function capturedLater(n: Node, root: Node): boolean {
  for (let p = n.parent; p && p.id !== root.id; p = p.parent) {
    if (p.type === 'go_statement') return true;
    if (p.type === 'func_literal') {
      const call = p.parent;
      const inPlace = call?.type === 'call_expression' && call.childForFieldName('function')?.id === p.id && call.parent?.type !== 'go_statement';
      if (!inPlace) return true;
    }
  }
  return false;
}

/**
 * How and when a function literal runs, as far as the syntax shows: called in place (`call`),
 * deferred (`defer`, at the return of the function holding the defer), started on a new
 * goroutine by `go` or by `g.Go(...)` of an `errgroup.Group` (`go` / `group`), or handed to
 * code that runs it at a time syntax cannot see (`other`: stored, passed to a function).
 */
export type ClosureRun =
  | { how: 'call' | 'other' }
  | { how: 'defer' | 'go'; stmt: Node }
  | { how: 'group'; call: Node };

export function closureRun(file: FileFacts, lit: Node): ClosureRun {
  let n = lit;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (p?.type === 'call_expression' && p.childForFieldName('function')?.id === n.id) {
    const stmt = p.parent;
    if (stmt?.type === 'go_statement') return { how: 'go', stmt };
    if (stmt?.type === 'defer_statement') return { how: 'defer', stmt };
    return { how: 'call' };
  }
  // `g.Go(func() error {...})`: errgroup runs the function on a goroutine of its own.
  const call = p?.type === 'argument_list' ? p.parent : undefined;
  if (call?.type === 'call_expression' && callArgs(call).length === 1 && isErrgroupCall(file, call, 'Go')) return { how: 'group', call };
  return { how: 'other' };
}

/** True when `call` is `g.<name>(...)` on a value whose type the file shows as an `errgroup.Group`. */
export function isErrgroupCall(file: FileFacts, call: Node, name: string | ReadonlySet<string>): boolean {
  const parts = callParts(call);
  if (!parts?.receiverNode || !(typeof name === 'string' ? parts.name === name : name.has(parts.name))) return false;
  return /^\*?errgroup\.Group$/.test(file.typeOf(parts.receiverNode) ?? '');
}

/**
 * `for _, v := range xs` loops whose value variable receives a copy of each element, with the
 * element type when the file shows the type of `xs` (a slice, array or map). With `inFocus` (a
 * rule's, see RuleContext.inFocus), those in the declarations in focus.
 */
export function rangeValueCopies(file: FileFacts, inFocus: (node: Node) => boolean = EVERYWHERE): { value: Node; range: Node; elem: string }[] {
  const out: { value: Node; range: Node; elem: string }[] = [];
  for (const clause of focusRoots(file.root, inFocus).flatMap((r) => descendants(r, 'range_clause'))) {
    const value = clause.childForFieldName('left')?.namedChildren[1];
    const range = clause.childForFieldName('right');
    if (!value || value.type !== 'identifier' || value.text === '_' || !range) continue;
    const t = file.typeOf(range);
    const elem = t ? /^(?:\[\d*\]|map\[[^\]]+\])(.+)$/.exec(t)?.[1] : undefined;
    if (elem) out.push({ value, range, elem });
  }
  return out;
}

/**
 * The values `name = v` gives the variable in `scope` (every plain assignment to it, where `isVar`
 * says an identifier on the left is that variable). Undefined when some assignment says nothing
 * of the value: `x += d`, `x, y = f()`, or `x++`/`x--` (a loop's counter).
 */
export function valuesAssigned(scope: Node, name: string, isVar: (l: Node) => boolean = () => true): Node[] | undefined {
  const values: Node[] = [];
  for (const a of descendants(scope, 'assignment_statement')) {
    const left = a.childForFieldName('left')?.namedChildren ?? [];
    const i = left.findIndex((l) => l.type === 'identifier' && l.text === name && isVar(l));
    if (i < 0) continue;
    const right = a.childForFieldName('right')?.namedChildren ?? [];
    if (a.childForFieldName('operator')?.text !== '=' || right.length !== left.length) return undefined;
    values.push(right[i]);
  }
  const stepped = [...descendants(scope, 'inc_statement'), ...descendants(scope, 'dec_statement')].some((x) => x.namedChild(0)?.text === name);
  return stepped ? undefined : values;
}
