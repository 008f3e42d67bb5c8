#!/usr/bin/env node
/**
 * How much of a Go tree a demand-driven parse could leave unparsed and still answer every
 * question the engine asks (issue 13; docs/benchmark.md, "What a sound lazy parse could skip").
 *
 *   node scripts/lazy-closure.mjs [root]      (default: Go's std, /usr/lib/go-1.19/src, cmd/ left out)
 *
 * Only top-level function and method bodies could be blanked before the parse. A body must still
 * be parsed when its text has concurrency syntax, when it may end its caller's path (panic, exit,
 * Fatal, Skip, Goexit), or, to a fixpoint, when it names something the engine reads across the
 * package: a function whose body must be parsed (its callers and callees meet in the summaries and
 * the callers index), a type, field, variable or function whose declaration mentions a sync,
 * atomic, channel, context or timer type (mutex-copied, waitgroup-copied), and a field or package
 * variable that a goroutine-starting or atomic body touches (unsynchronized-write,
 * mixed-atomic-access). Names are matched by spelling, as a lexical index would. Prints the share
 * of parsed bytes and of tree nodes in bodies left out, for four closures, loosest first.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, Language } from 'web-tree-sitter';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(join(ROOT, 'node_modules', 'tree-sitter-go', 'tree-sitter-go.wasm')));

const SRC = process.argv[2] ?? '/usr/lib/go-1.19/src';
const CONC = /\bgo\b|\bchan\b|<-|\bselect\b|sync\.|Lock\(|Unlock\(|Wait\(|context\.|\bctx\b|atomic\.|close\(|time\./;
const ENDS = /panic\(|Exit\(|Fatal|Goexit|Skip|FailNow/;
const CTYPE = /sync\.|atomic\.|\bchan\b|context\.|time\.(Timer|Ticker)/;
const GENERATED = /^\/\/ Code generated .* DO NOT EDIT\.$/m;
const IDENT = /[\p{L}_][\p{L}\p{N}_]*/gu;
const words = (t) => t.match(IDENT) ?? [];
const mentions = (t, set) => words(t).some((w) => set.has(w));

function packageDirs(d, out = []) {
  let hasGo = false;
  for (const e of readdirSync(d)) {
    if (e === 'testdata' || e === 'vendor' || e === 'cmd' || e.startsWith('.') || e.startsWith('_')) continue;
    const p = join(d, e);
    if (statSync(p).isDirectory()) packageDirs(p, out);
    else if (e.endsWith('.go')) hasGo = true;
  }
  if (hasGo) out.push(d);
  return out;
}

/** One package's declarations: bodies (with what they say), types, fields, variables, signatures. */
function readPackage(dir, total) {
  const pkg = { funcs: [], types: new Map(), fields: [], vars: [], sigs: [] };
  for (const f of readdirSync(dir).filter((e) => e.endsWith('.go'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (GENERATED.test(text.slice(0, 4000)) || text.length > 1_500_000) continue; // as skipReason
    const buf = Buffer.from(text, 'utf8');
    const src = (n) => buf.subarray(n.startIndex, n.endIndex).toString('utf8');
    const tree = parser.parse(text);
    total.bytes += buf.length;
    total.nodes += tree.rootNode.descendantCount;
    for (const d of tree.rootNode.namedChildren) {
      if (d.type === 'function_declaration' || d.type === 'method_declaration') {
        const body = d.childForFieldName('body');
        const name = d.childForFieldName('name');
        pkg.sigs.push({ name: name && src(name), text: buf.subarray(d.startIndex, body ? body.startIndex : d.endIndex).toString('utf8') });
        if (!body) continue;
        const t = src(body);
        pkg.funcs.push({ name: name && src(name), text: t, bytes: body.endIndex - body.startIndex, nodes: body.descendantCount, conc: CONC.test(t), ends: ENDS.test(t), goes: /\bgo\b/.test(t) || /atomic\./.test(t) });
      } else if (d.type === 'type_declaration') {
        for (const s of d.namedChildren) {
          const n = s.childForFieldName('name');
          const ty = s.childForFieldName('type');
          if (!n || !ty) continue;
          pkg.types.set(src(n), src(ty));
          if (ty.type !== 'struct_type') continue;
          for (const fd of ty.descendantsOfType('field_declaration')) {
            const fty = fd.childForFieldName('type');
            const names = fd.childrenForFieldName('name');
            for (const fn of names) pkg.fields.push({ name: src(fn), type: fty ? src(fty) : '' });
            if (!names.length && fty) pkg.fields.push({ name: src(fty).replace(/^\*/, '').split('.').pop(), type: src(fty) });
          }
        }
      } else if (d.type === 'var_declaration') {
        for (const s of d.descendantsOfType('var_spec')) for (const n of s.childrenForFieldName('name')) pkg.vars.push({ name: src(n), text: src(s) });
      }
    }
    tree.delete();
  }
  return pkg;
}

/** The bodies that must be parsed under each closure. */
function closures(pkg) {
  const ctypes = new Set();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [n, t] of pkg.types) if (!ctypes.has(n) && (CTYPE.test(t) || mentions(t, ctypes))) (ctypes.add(n), (changed = true));
  }
  const typed = new Set(ctypes);
  const isConc = (t) => CTYPE.test(t) || mentions(t, ctypes);
  for (const f of pkg.fields) if (isConc(f.type)) typed.add(f.name);
  for (const v of pkg.vars) if (isConc(v.text)) typed.add(v.name);
  for (const s of pkg.sigs) if (s.name && isConc(s.text)) typed.add(s.name);
  const shared = new Set([...pkg.fields.map((f) => f.name), ...pkg.vars.map((v) => v.name)]);
  for (const f of pkg.funcs) if (f.goes) for (const w of words(f.text)) if (shared.has(w)) typed.add(w);

  const close = (seed, names) => {
    const kept = new Set(pkg.funcs.filter(seed));
    for (let changed = true; changed; ) {
      changed = false;
      const all = new Set(names);
      for (const f of kept) if (f.name) all.add(f.name);
      for (const f of pkg.funcs) if (!kept.has(f) && mentions(f.text, all)) (kept.add(f), (changed = true));
    }
    return kept;
  };
  return {
    'concurrency syntax only (no closure)': new Set(pkg.funcs.filter((f) => f.conc)),
    'and path-ending calls (no closure)': new Set(pkg.funcs.filter((f) => f.conc || f.ends)),
    'and callers/callees by name': close((f) => f.conc || f.ends, new Set()),
    'and concurrency-typed and shared names (sound)': close((f) => f.conc || f.ends, typed),
  };
}

const total = { bytes: 0, nodes: 0, bodies: 0 };
const left = {};
for (const dir of packageDirs(SRC)) {
  const pkg = readPackage(dir, total);
  total.bodies += pkg.funcs.length;
  for (const [name, kept] of Object.entries(closures(pkg))) {
    const l = (left[name] ??= { bodies: 0, bytes: 0, nodes: 0 });
    for (const f of pkg.funcs) if (!kept.has(f)) (l.bodies++, (l.bytes += f.bytes), (l.nodes += f.nodes));
  }
}
const pct = (a, b) => ((100 * a) / b).toFixed(1) + '%';
console.log(`${SRC}: ${total.bytes.toLocaleString('en')} bytes parsed, ${total.nodes.toLocaleString('en')} nodes, ${total.bodies.toLocaleString('en')} top-level bodies`);
for (const [name, l] of Object.entries(left)) console.log(`  left unparsed, ${name}: ${l.bodies} bodies (${pct(l.bodies, total.bodies)}), ${pct(l.bytes, total.bytes)} of the bytes, ${pct(l.nodes, total.nodes)} of the nodes`);
