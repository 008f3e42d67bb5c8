// npm run precision: how often goconc is right on Go code this project did not write.
//
//   node scripts/precision.mjs run    --corpus DIR   run goconc (built dist/cli.js) on every
//              [--repos a,b]                         repository folder of DIR (or only those named),
//                                                    tests included; writes out/precision/<repo>.json
//   node scripts/precision.mjs sample [--seed N] [--per-rule 8] [--min 80]
//                                                    draws a seeded, stratified sample of the
//                                                    warnings and errors not yet judged in
//                                                    docs/precision/verdicts.tsv and prints it
//   (run takes --cli PATH to use a copy of the bundle: dist/ may be rebuilt while it runs)
//   node scripts/precision.mjs report                rewrites the figures of docs/precision.md
//                                                    from the findings and the verdicts
//
// DIR holds one folder per repository and a file COMMITS with lines `<repo> <commit>`. A
// verdict is keyed by repository, file, line and rule, so it survives re-runs; a finding that
// moves or disappears loses its verdict (the report counts only verdicts of current findings).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'out', 'precision');
const VERDICTS = join(ROOT, 'docs', 'precision', 'verdicts.tsv');
const DOC = join(ROOT, 'docs', 'precision.md');
const [command = 'report', ...argv] = process.argv.slice(2);
const flag = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);

function commits(corpus) {
  const file = join(corpus, 'COMMITS');
  const map = new Map();
  if (!existsSync(file)) return map;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [repo, commit] = line.trim().split(/\s+/);
    if (repo && commit) map.set(repo, commit);
  }
  return map;
}

function goLines(dir) {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'vendor' || e.name === 'testdata' || e.name === 'node_modules') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.go')) n += readFileSync(p, 'utf8').split('\n').length;
    }
  }
  return n;
}

function run() {
  const corpus = resolve(flag('--corpus', process.env.GOCONC_CORPUS ?? ''));
  if (!existsSync(corpus)) throw new Error(`no corpus at ${corpus}: pass --corpus DIR`);
  mkdirSync(OUT, { recursive: true });
  const shas = commits(corpus);
  // --cli PATH runs a copy of the bundle, so rebuilding dist/ meanwhile does not mix two engines in one run.
  const cli = resolve(flag('--cli', join(ROOT, 'dist', 'cli.js')));
  // --repos a,b runs only those repositories and keeps the others' earlier results.
  const only = flag('--repos', '').split(',').filter(Boolean);
  const repos = readdirSync(corpus, { withFileTypes: true }).filter((e) => e.isDirectory() && (only.length === 0 || only.includes(e.name))).map((e) => e.name).sort();
  const metaFile = join(OUT, 'meta.json');
  const meta = only.length > 0 && existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, 'utf8')) : {};
  for (const repo of repos) {
    const t0 = Date.now();
    const json = execFileSync(process.execPath, [cli, '--format', 'json', '--fail-on', 'none', '--no-cache', repo], {
      cwd: corpus,
      maxBuffer: 1 << 28,
    }).toString();
    const result = JSON.parse(json);
    meta[repo] = { commit: shas.get(repo) ?? 'unknown', lines: goLines(join(corpus, repo)), seconds: (Date.now() - t0) / 1000, errors: result.errors.length };
    writeFileSync(join(OUT, `${repo}.json`), JSON.stringify(result.findings.map((f) => ({ repo, file: f.file, line: f.line, rule: f.rule, severity: f.severity, message: f.message, fixes: f.fixes.map((x) => `${x.title}${x.safe ? ' (safe)' : ''}`) }))));
    process.stderr.write(`${repo}: ${result.findings.length} findings, ${result.errors.length} rule errors, ${meta[repo].seconds}s\n`);
  }
  writeFileSync(join(OUT, 'meta.json'), JSON.stringify(meta, null, 2));
}

function findings() {
  if (!existsSync(join(OUT, 'meta.json'))) throw new Error('no results: run `node scripts/precision.mjs run --corpus DIR` first');
  const meta = JSON.parse(readFileSync(join(OUT, 'meta.json'), 'utf8'));
  const all = [];
  for (const repo of Object.keys(meta)) all.push(...JSON.parse(readFileSync(join(OUT, `${repo}.json`), 'utf8')));
  return { meta, all };
}

const keyOf = (f) => `${f.file}:${f.line}\t${f.rule}`;

/** Verdicts: tab-separated `repo/file:line  rule  verdict  fix  reason`, verdict TP, FP or noise. */
function verdicts() {
  const map = new Map();
  if (!existsSync(VERDICTS)) return map;
  for (const line of readFileSync(VERDICTS, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [where, rule, verdict, fix, reason] = line.split('\t');
    map.set(`${where}\t${rule}`, { where, rule, verdict, fix, reason });
  }
  return map;
}

/** Mulberry32: a small seeded generator, so a sample can be drawn again. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample() {
  const seed = Number(flag('--seed', '1'));
  const perRule = Number(flag('--per-rule', '8'));
  const min = Number(flag('--min', '80'));
  const judged = verdicts();
  const { all } = findings();
  const rand = random(seed);
  const open = all.filter((f) => (f.severity === 'warning' || f.severity === 'error') && !judged.has(keyOf(f)));
  const byRule = new Map();
  for (const f of open) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
  const shuffled = new Map([...byRule].map(([r, fs]) => [r, fs.map((f) => [rand(), f]).sort((a, b) => a[0] - b[0]).map((x) => x[1])]));
  const picked = [];
  for (const fs of shuffled.values()) picked.push(...fs.splice(0, perRule));
  // Top up round-robin from the rules that have findings left, until the sample is big enough.
  while (picked.length < min && [...shuffled.values()].some((fs) => fs.length)) {
    for (const fs of shuffled.values()) if (fs.length && picked.length < min) picked.push(fs.shift());
  }
  for (const f of picked) console.log([keyOf(f), f.severity, f.message, f.fixes.join(' | ')].join('\t'));
}

function report() {
  const { meta, all } = findings();
  const judged = verdicts();
  const lines = Object.values(meta).reduce((n, m) => n + m.lines, 0);
  const rules = new Map();
  const rule = (id) => rules.get(id) ?? rules.set(id, { findings: 0, we: 0, TP: 0, FP: 0, noise: 0, badFix: 0 }).get(id);
  for (const f of all) {
    const r = rule(f.rule);
    r.findings++;
    if (f.severity === 'warning' || f.severity === 'error') r.we++;
    const v = judged.get(keyOf(f));
    if (v && (f.severity === 'warning' || f.severity === 'error')) {
      r[v.verdict]++;
      // A harmful verdict counts while the finding still offers a fix.
      if (v.fix === 'harmful' && f.fixes.length > 0) r.badFix++;
    }
  }
  const sum = (k) => [...rules.values()].reduce((n, r) => n + r[k], 0);
  const pct = (a, b) => (b ? `${((100 * a) / b).toFixed(0)}%` : '–');
  // Noise is held to "under 10%": one decimal, so 10.5% does not print as 10%.
  const pct1 = (a, b) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–');
  const out = [];
  out.push(`Corpus: ${Object.keys(meta).length} repositories, ${lines.toLocaleString('en')} lines of Go (tests included, vendor and testdata excluded).`, '');
  out.push('| repository | commit | lines | findings | seconds |', '| --- | --- | ---: | ---: | ---: |');
  for (const [repo, m] of Object.entries(meta)) out.push(`| ${repo} | \`${m.commit.slice(0, 12)}\` | ${m.lines.toLocaleString('en')} | ${all.filter((f) => f.repo === repo).length} | ${m.seconds} |`);
  out.push('', `Warnings and errors: **${sum('we')}**, that is **${((1000 * sum('we')) / lines).toFixed(3)} per 1000 lines**. Judged: ${sum('TP') + sum('FP') + sum('noise')}: ${sum('TP')} true, ${sum('FP')} false, ${sum('noise')} noise.`);
  out.push(`Precision (TP / (TP + FP)): **${pct(sum('TP'), sum('TP') + sum('FP'))}**; noise: **${pct1(sum('noise'), sum('TP') + sum('FP') + sum('noise'))}**; harmful fixes offered: **${sum('badFix')}**.`, '');
  out.push('| rule | findings | warnings+errors | per 1000 lines | TP | FP | noise | precision |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [id, r] of [...rules].sort((a, b) => b[1].findings - a[1].findings)) {
    out.push(`| ${id} | ${r.findings} | ${r.we} | ${((1000 * r.we) / lines).toFixed(3)} | ${r.TP} | ${r.FP} | ${r.noise} | ${pct(r.TP, r.TP + r.FP)} |`);
  }
  const doc = readFileSync(DOC, 'utf8');
  const begin = '<!-- figures:begin -->';
  const end = '<!-- figures:end -->';
  const next = doc.slice(0, doc.indexOf(begin) + begin.length) + '\n' + out.join('\n') + '\n' + doc.slice(doc.indexOf(end));
  writeFileSync(DOC, next);
  const stale = [...judged.values()].filter((v) => !all.some((f) => keyOf(f) === `${v.where}\t${v.rule}`));
  process.stderr.write(`${stale.length} verdicts match no current finding (fixed false positives, or moved lines)\n`);
  console.log(out.join('\n'));
}

const commands = { run, sample, report };
if (commands[command]) commands[command]();
else console.error(`unknown command ${command}: run, sample or report`);
