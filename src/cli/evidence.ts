/**
 * `goconc dump FILE|- [paths...]`: a goroutine dump, a goroutine or goroutineleak profile
 * (debug=0, 1 or 2) or a race report, mapped onto the Go files under the paths, one line per
 * place, with whether goconc's static analysis reports something on that line too. SARIF
 * output lets CI upload the evidence of a failed test run next to the static findings.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { readEvidenceBytes } from '../core/evidence/pprof';
import { blockedSites, FrameMapper, raceSites, type BlockedSite, type Place } from '../core/evidence/sites';
import { loadGo } from '../core/syntax/parser';
import { RULES } from '../core/rules';
import type { EvidenceArgs } from './args';
import { analyzePackage } from './engine';
import { GoVersions, goFiles, ioMessage } from './files';
import { HOMEPAGE, loadWasm, VERSION } from './meta';
import { pathToFileURL } from 'node:url';
import type { Io } from './run';

const slash = (p: string) => p.split(sep).join('/');

export async function runEvidence(args: EvidenceArgs, io: Io): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  let bytes: Uint8Array;
  try {
    bytes = args.evidence === '-' ? readFileSync(0) : readFileSync(resolve(cwd, args.evidence));
  } catch (e) {
    io.err(`goconc: ${ioMessage(args.evidence, e)}\n`);
    return 2;
  }
  const evidence = readEvidenceBytes(bytes);
  if (evidence.kind === 'empty') {
    io.err(`goconc: ${args.evidence}: ${evidence.problem}\n`);
    return 2;
  }
  const files = goFiles((args.paths.length > 0 ? args.paths : ['.']).map((p) => resolve(cwd, p)), { includeTestdata: false }).map((f) => resolve(cwd, f));
  const versions = new GoVersions();
  const modules = new Map<string, { path: string; dir: string }>();
  for (const f of files) {
    const m = versions.module(f);
    if (m) modules.set(m.dir, { path: m.path, dir: slash(m.dir) });
  }
  const mapper = new FrameMapper({ files: files.map(slash), modules: [...modules.values()] });
  const agree = await staticFindings(files, versions);
  const rel = (p: Place) => `${slash(relative(cwd, p.file)) || p.file}:${p.line}`;
  const seen = (p: Place) => agree.get(`${p.file}:${p.line}`) ?? [];

  if (evidence.kind === 'races') {
    const races = raceSites(evidence.races, mapper);
    if (args.format === 'sarif') {
      const results = races.flatMap((r) => {
        const [a, b] = r.accesses;
        const at = a?.place ?? b?.place;
        if (!at) return [];
        const other = a?.place && b?.place ? [{ place: b.place, message: `the other access (${b.kind})` }] : [];
        const created = r.created.filter((c) => c.place).map((c) => ({ place: c.place!, message: `goroutine ${c.goroutine} created here` }));
        return [{ message: `data race between a ${a?.kind ?? 'access'} and a ${b?.kind ?? 'access'}${note(seen(at))}`, place: at, related: [...other, ...created] }];
      });
      io.out(sarif(results, cwd) + '\n');
      return 0;
    }
    if (args.format === 'json') {
      io.out(JSON.stringify({ kind: 'races', races: races.map((r) => ({ ...r, accesses: r.accesses.map((a) => ({ ...a, place: a.place && { ...a.place, static: seen(a.place) } })) })) }, null, 2) + '\n');
      return 0;
    }
    for (const r of races) {
      const [a, b] = r.accesses;
      const where = (x: typeof a | undefined) => (x?.place ? `${x.kind} at ${rel(x.place)} (${x.goroutine !== undefined ? `goroutine ${x.goroutine}` : 'main goroutine'})` : `${x?.kind ?? 'access'} outside the workspace`);
      const at = a?.place ?? b?.place;
      const staticNote = at ? note(seen(at)) : '';
      io.out(`${at ? rel(at) : '?'}: data race: ${where(a)} and ${where(b)}${staticNote}\n`);
    }
    io.out(`${races.length} data race${races.length === 1 ? '' : 's'}\n`);
    return 0;
  }

  const lines = new Map<string, string[]>();
  const lineText = (file: string, line: number) => {
    if (!lines.has(file)) {
      try {
        lines.set(file, readFileSync(file, 'utf8').split(/\r?\n/));
      } catch {
        lines.set(file, []);
      }
    }
    return lines.get(file)![line - 1];
  };
  const { sites, outside } = blockedSites(evidence.goroutines, mapper, lineText);
  if (sites.length === 0) {
    io.err(`goconc: ${args.evidence}: none of its ${outside} goroutine${outside === 1 ? '' : 's'} waits in the Go files under ${args.paths.join(', ') || '.'}: it may come from another program, or from code that is not checked out here\n`);
    return 2;
  }
  if (args.format === 'json') {
    io.out(JSON.stringify({ kind: evidence.kind, profile: evidence.profile, outside, sites: sites.map((s) => ({ ...s, static: seen(s.place) })) }, null, 2) + '\n');
    return 0;
  }
  if (args.format === 'sarif') {
    io.out(sarif(sites.map((s) => ({ message: `${describe(s)}${note(seen(s.place))}`, place: s.place, related: s.spawns.map((x) => ({ place: x.place, message: `${x.count} started here` })) })), cwd) + '\n');
    return 0;
  }
  for (const s of sites) io.out(`${rel(s.place)}: ${describe(s)}${s.spawns.length ? `; started at ${s.spawns.map((x) => rel(x.place)).join(', ')}` : ''}${note(seen(s.place))}\n`);
  const total = sites.reduce((n, s) => n + s.count, 0);
  io.out(`${total} goroutine${total === 1 ? '' : 's'} waiting at ${sites.length} place${sites.length === 1 ? '' : 's'} in the code; ${outside} elsewhere (the runtime's and libraries')\n`);
  return 0;
}

/** SARIF 2.1.0 with one result per place (rule `runtime-evidence`), spawn sites as related locations. */
function sarif(results: { message: string; place: Place; related: { place: Place; message: string }[] }[], cwd: string): string {
  const loc = (p: Place, message?: string) => ({
    physicalLocation: { artifactLocation: { uri: slash(relative(cwd, p.file)).split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' }, region: { startLine: p.line } },
    ...(message ? { message: { text: message } } : {}),
  });
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: { driver: { name: 'goconc', informationUri: HOMEPAGE, version: VERSION, rules: [{ id: 'runtime-evidence', shortDescription: { text: 'Goroutines a running program showed blocked here' } }] } },
          originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(cwd.endsWith(sep) ? cwd : cwd + sep).href } },
          results: results.map((r) => ({
            ruleId: 'runtime-evidence',
            level: 'warning',
            message: { text: r.message },
            locations: [loc(r.place)],
            ...(r.related.length ? { relatedLocations: r.related.map((x, i) => ({ id: i + 1, ...loc(x.place, x.message) })) } : {}),
          })),
        },
      ],
    },
    null,
    2,
  );
}

function describe(s: BlockedSite): string {
  const n = `${s.count} goroutine${s.count === 1 ? '' : 's'}`;
  const wait = s.longestMinutes !== undefined ? ` for up to ${s.longestMinutes} minute${s.longestMinutes === 1 ? '' : 's'}` : '';
  const leaked = s.leaked > 0 ? (s.leaked === s.count ? ' (leaked)' : ` (${s.leaked} leaked)`) : '';
  return `${n} blocked in ${s.state}${wait}${leaked}`;
}

function note(rules: readonly string[]): string {
  return rules.length > 0 ? ` [goconc: ${rules.join(', ')}]` : ' [not seen by the static analysis]';
}

/** The rules goconc reports at each line of the files (analysed by package), keyed `file:line`. */
async function staticFindings(files: readonly string[], versions: GoVersions): Promise<Map<string, string[]>> {
  const go = await loadGo(loadWasm);
  const byDir = new Map<string, string[]>();
  for (const f of files) byDir.set(dirname(f), [...(byDir.get(dirname(f)) ?? []), f]);
  const out = new Map<string, string[]>();
  for (const [dir, paths] of byDir) {
    const job = { dir, goVersion: versions.forFile(paths[0]), files: paths.map((p) => ({ path: p, text: safeRead(p) })) };
    const results = analyzePackage(go, job, { rules: RULES.map((r) => r.id), maxBytes: 2 * 1024 * 1024, includeGenerated: false, timeBudgetMs: 10_000 });
    results.forEach((r, i) => {
      for (const f of r.findings) {
        const key = `${slash(paths[i])}:${f.line}`;
        const list = out.get(key) ?? [];
        if (!list.includes(f.ruleId)) list.push(f.ruleId);
        out.set(key, list);
      }
    });
  }
  return out;
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}
