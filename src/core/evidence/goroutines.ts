/**
 * Runtime evidence: what a running Go program says about its goroutines, read from the text
 * people paste or download.
 *
 * - Goroutine dumps in the traceback format (a panic, SIGQUIT, `/debug/pprof/goroutine?debug=2`,
 *   goleak's "found unexpected goroutines"): `goroutine 7 [chan send, 14 minutes]:`, frames
 *   of a function line and a tab-indented `file:line +0x..` line, `created by f in goroutine 1`.
 * - Goroutine and goroutineleak profiles in the `debug=1` format: `N @ 0x...` followed by
 *   `#\t0x...\tfunc+0x..\tfile:line` frame lines, one record per distinct stack.
 * - Race reports: each `WARNING: DATA RACE` block, with the two accesses, their goroutines'
 *   stacks and where those goroutines were created.
 *
 * The reader goes line by line and keeps only what it returns, so a dump of 100,000 goroutines
 * is read in one pass. Anything it does not recognise is skipped; a text with nothing it knows
 * gives an empty result and a reason, never an exception.
 */

export interface Frame {
  /** `main.(*Server).run`, `main.worker.func1`. */
  func: string;
  /** The file as the program printed it (absolute, or module-relative with -trimpath). */
  file: string;
  /** One-based. */
  line: number;
}

export interface Goroutine {
  /** Undefined for profile records (which count stacks, not goroutines). */
  id?: number;
  /** `chan receive`, `select`, `semacquire`, `sync.Mutex.Lock`, `running`. */
  state: string;
  /** The runtime's own word that this goroutine can never run again (goroutineleak, Go 1.27). */
  leaked: boolean;
  /** How long it has waited, in minutes, when the dump says. */
  waitMinutes?: number;
  /** Innermost first. */
  frames: Frame[];
  /** The `created by` frame, when printed. */
  createdBy?: Frame;
  /** How many goroutines have this stack: 1 in a dump, the record's count in a profile. */
  count: number;
}

export interface RaceAccess {
  kind: 'read' | 'write';
  /** The goroutine making it (`main goroutine` is 1... as printed: undefined when not a number). */
  goroutine?: number;
  previous: boolean;
  frames: Frame[];
}

export interface Race {
  accesses: RaceAccess[];
  /** Where the goroutines of the accesses were created, by goroutine id. */
  created: Map<number, Frame[]>;
}

export interface Evidence {
  kind: 'dump' | 'profile' | 'races' | 'empty';
  goroutines: Goroutine[];
  races: Race[];
  /** For a profile: the header's kind, `goroutine` or `goroutineleak`. */
  profile?: string;
  /** Lines that looked like part of a record but could not be read. */
  skipped: number;
  /** Why nothing was found, for the user. */
  problem?: string;
}

const GOROUTINE_HEADER = /^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\]:\s*$/;
const FILE_LINE = /^\t(.+?):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?\s*$/;
const CREATED_BY = /^created by (.+?)(?: in goroutine \d+)?\s*$/;
const PROFILE_HEADER = /^(goroutine|goroutineleak) profile: total \d+\s*$/;
const PROFILE_RECORD = /^(\d+) @( 0x[0-9a-f]+)+\s*$/;
const PROFILE_FRAME = /^#\s+0x[0-9a-f]+\s+(\S+?)(?:\+0x[0-9a-f]+)?\s+(.+?):(\d+)\s*$/;
const RACE_START = /^WARNING: DATA RACE\s*$/;
const RACE_ACCESS = /^(Previous )?(read|write|Read|Write)(?: at 0x[0-9a-f]+)? by (main goroutine|goroutine (\d+)):\s*$/i;
const RACE_CREATED = /^Goroutine (\d+) \([^)]*\) created at:\s*$/;
const RACE_FRAME_FUNC = /^\s{2}(\S.*)\(\)?\s*$/;
const RACE_FRAME_FILE = /^\s{6}(.+?):(\d+)(?: \+0x[0-9a-f]+)?\s*$/;

/** Reads a dump, a debug=1 profile or race reports, whichever the text is. */
export function readEvidence(text: string): Evidence {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: Evidence = { kind: 'empty', goroutines: [], races: [], skipped: 0 };
  let i = 0;
  const profileHeader = lines.find((l) => PROFILE_HEADER.test(l));
  if (profileHeader) {
    out.kind = 'profile';
    out.profile = PROFILE_HEADER.exec(profileHeader)![1];
    readProfile(lines, out);
    return finish(out);
  }
  while (i < lines.length) {
    const line = lines[i];
    if (RACE_START.test(line)) {
      i = readRace(lines, i + 1, out);
      continue;
    }
    const header = GOROUTINE_HEADER.exec(stripGoleak(line));
    if (header) {
      i = readGoroutine(lines, i + 1, Number(header[1]), header[2], out);
      continue;
    }
    i++;
  }
  if (out.races.length > 0) out.kind = 'races';
  else if (out.goroutines.length > 0) out.kind = 'dump';
  return finish(out);
}

function finish(out: Evidence): Evidence {
  if (out.goroutines.length === 0 && out.races.length === 0) {
    out.kind = 'empty';
    out.problem =
      'No goroutines or data races found: expected a goroutine dump (`goroutine 1 [running]:` ...), a `debug=1` goroutine or goroutineleak profile (`goroutine profile: total N`), or a `WARNING: DATA RACE` report.';
  }
  return out;
}

/** goleak wraps each goroutine of its report in `[Goroutine 8 in state ..., with f on top of the stack:`. */
function stripGoleak(line: string): string {
  return line.replace(/^\[Goroutine \d+ in state [^,]*, with .* on top of the stack:\s*/, '').replace(/^\s*(?=goroutine \d+ \[)/, '');
}

/** `chan send, 14 minutes` / `select (leaked)` / `semacquire, 2 minutes, locked to thread`. */
export function parseState(raw: string): { state: string; leaked: boolean; waitMinutes?: number } {
  let leaked = false;
  let waitMinutes: number | undefined;
  const parts: string[] = [];
  for (let p of raw.split(',').map((s) => s.trim())) {
    if (/\(leaked\)$/.test(p)) {
      leaked = true;
      p = p.replace(/\s*\(leaked\)$/, '');
    }
    const m = /^(\d+) minutes?$/.exec(p);
    if (m) waitMinutes = Number(m[1]);
    else if (p && p !== 'locked to thread' && !/^\d+ (seconds?|hours?)$/.test(p)) parts.push(p);
  }
  return { state: parts[0] ?? raw.trim(), leaked, waitMinutes };
}

function readGoroutine(lines: string[], i: number, id: number, rawState: string, out: Evidence): number {
  const g: Goroutine = { id, ...parseState(rawState), frames: [], count: 1 };
  while (i < lines.length) {
    const line = lines[i].replace(/\]\s*$/, (m) => (lines[i].startsWith('\t') ? m : ''));
    if (line.trim() === '' || GOROUTINE_HEADER.test(stripGoleak(line))) break;
    if (line.startsWith('...') && line.includes('frames elided')) {
      i++;
      continue;
    }
    const created = CREATED_BY.exec(line);
    const fileLine = i + 1 < lines.length ? FILE_LINE.exec(lines[i + 1].replace(/\]$/, '')) : null;
    if (!line.startsWith('\t') && fileLine) {
      const frame = { func: created ? created[1] : funcName(line), file: fileLine[1], line: Number(fileLine[2]) };
      if (created) g.createdBy = frame;
      else g.frames.push(frame);
      i += 2;
      continue;
    }
    out.skipped++;
    i++;
  }
  out.goroutines.push(g);
  return i;
}

/** `main.worker(0xc000010000, 0x1)` -> `main.worker`; `panic({0x4a...})` -> `panic`. */
function funcName(line: string): string {
  const open = line.lastIndexOf('(');
  return (open > 0 && line.trimEnd().endsWith(')') ? line.slice(0, open) : line).trim();
}

function readProfile(lines: string[], out: Evidence): void {
  let current: Goroutine | undefined;
  for (const line of lines) {
    const rec = PROFILE_RECORD.exec(line);
    if (rec) {
      current = { state: out.profile === 'goroutineleak' ? 'leaked' : 'unknown', leaked: out.profile === 'goroutineleak', frames: [], count: Number(rec[1]) };
      out.goroutines.push(current);
      continue;
    }
    const f = PROFILE_FRAME.exec(line);
    if (f && current) {
      current.frames.push({ func: f[1], file: f[2], line: Number(f[3]) });
      continue;
    }
    if (line.trim() === '') current = undefined;
    else if (current && line.startsWith('#')) out.skipped++;
  }
  // A profile record's state is the blocking call on top of the stack: name it after it.
  for (const g of out.goroutines) if (!g.leaked) g.state = stateFromTop(g.frames);
}

const BLOCKING_CALLS: [RegExp, string][] = [
  [/^runtime\.chansend/, 'chan send'],
  [/^runtime\.chanrecv/, 'chan receive'],
  [/^runtime\.selectgo$/, 'select'],
  [/^runtime\.block$/, 'select (no cases)'],
  [/^sync\.\(\*WaitGroup\)\.Wait$/, 'sync.WaitGroup.Wait'],
  [/^sync\.\(\*Mutex\)\.Lock/, 'sync.Mutex.Lock'],
  [/^sync\.\(\*RWMutex\)\.R?Lock$/, 'sync.RWMutex.Lock'],
  [/^sync\.\(\*Cond\)\.Wait$/, 'sync.Cond.Wait'],
  [/^time\.Sleep$/, 'sleep'],
  [/^internal\/poll\./, 'IO wait'],
];

/** A profile record's state: the blocking call on top of its stack (`runtime.chansend1` -> `chan send`). */
export function stateFromTop(frames: readonly Frame[]): string {
  for (const f of frames) {
    for (const [re, state] of BLOCKING_CALLS) if (re.test(f.func)) return state;
  }
  return 'unknown';
}

function readRace(lines: string[], i: number, out: Evidence): number {
  const race: Race = { accesses: [], created: new Map() };
  let frames: Frame[] | undefined;
  while (i < lines.length && !/^={10,}\s*$/.test(lines[i])) {
    const line = lines[i];
    const access = RACE_ACCESS.exec(line);
    const created = RACE_CREATED.exec(line);
    if (access) {
      const a: RaceAccess = { kind: access[2].toLowerCase() as 'read' | 'write', goroutine: access[4] ? Number(access[4]) : undefined, previous: !!access[1], frames: [] };
      race.accesses.push(a);
      frames = a.frames;
    } else if (created) {
      frames = [];
      race.created.set(Number(created[1]), frames);
    } else if (frames && RACE_FRAME_FUNC.test(line) && i + 1 < lines.length && RACE_FRAME_FILE.test(lines[i + 1])) {
      const file = RACE_FRAME_FILE.exec(lines[i + 1])!;
      frames.push({ func: funcName(line), file: file[1], line: Number(file[2]) });
      i++;
    }
    i++;
  }
  if (race.accesses.length > 0) out.races.push(race);
  return i + 1;
}
