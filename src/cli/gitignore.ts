/**
 * .gitignore matching for the common syntax (gitignore(5)): blank lines and `#` comments,
 * `*`, `?`, `[...]` and `**` globs, a leading or middle `/` anchoring the pattern to the
 * .gitignore's folder, a trailing `/` matching folders only, `!` re-including, `\` escapes.
 * Nested .gitignore files apply to their subtree and win over their parents; within a file the
 * last matching pattern wins. As in git, a file inside an ignored folder stays ignored whatever
 * a later `!` says, because the walk never enters that folder.
 */

export interface IgnoreRule {
  /** Matches a path relative to the .gitignore's folder, with `/` separators. */
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
  /** The pattern as written, for messages and tests. */
  source: string;
}

/** Parses the text of one .gitignore file. */
export function parseGitignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    line = trimTrailingSpaces(line);
    if (line === '') continue;
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/') && !line.endsWith('\\/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') continue;
    // A slash at the start or in the middle anchors the pattern to this folder; otherwise it
    // matches a name at any depth.
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    const body = globToRegex(line);
    if (body === undefined) continue; // an invalid pattern is ignored, as git does
    const prefix = anchored ? '^' : '^(?:.*/)?';
    rules.push({ regex: new RegExp(prefix + body + '$'), negate, dirOnly, source: line });
  }
  return rules;
}

/** Git strips trailing spaces unless the last one is escaped with a backslash. */
function trimTrailingSpaces(line: string): string {
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ') {
    if (end >= 2 && line[end - 2] === '\\') break;
    end--;
  }
  return line.slice(0, end);
}

/** Translates one glob (without the leading `/` and trailing `/`) to a regex body. */
export function globToRegex(glob: string): string | undefined {
  let out = '';
  const segments = glob.split('/');
  for (let s = 0; s < segments.length; s++) {
    const seg = segments[s];
    const last = s === segments.length - 1;
    if (seg === '**') {
      if (segments.length === 1) return '.*'; // `**` alone matches everything
      if (last) {
        out += '.*'; // `a/**` matches everything inside a
      } else {
        out += '(?:[^/]*/)*'; // `**/` matches zero or more folders
      }
      continue;
    }
    const re = segmentToRegex(seg);
    if (re === undefined) return undefined;
    out += re + (last ? '' : '/');
  }
  // `a/**` must not match `a` itself; `.*` after `a/` already needs the slash.
  return out;
}

function segmentToRegex(seg: string): string | undefined {
  let out = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '\\') {
      i++;
      if (i < seg.length) out += escapeRegex(seg[i]);
      continue;
    }
    if (c === '*') {
      while (seg[i + 1] === '*') i++; // `**` inside a segment is a plain `*`
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = findClass(seg, i);
      if (close < 0) {
        out += '\\[';
        continue;
      }
      let cls = seg.slice(i + 1, close);
      let neg = false;
      if (cls.startsWith('!') || cls.startsWith('^')) {
        neg = true;
        cls = cls.slice(1);
      }
      cls = cls.replace(/\\(.)/g, '$1').replace(/[\]\\^]/g, '\\$&');
      out += `[${neg ? '^/' : ''}${cls}]`;
      i = close;
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

/** Index of the `]` closing the class opened at `open`, or -1. A `]` right after `[` or `[!` is literal. */
function findClass(seg: string, open: number): number {
  let i = open + 1;
  if (seg[i] === '!' || seg[i] === '^') i++;
  if (seg[i] === ']') i++;
  for (; i < seg.length; i++) {
    if (seg[i] === '\\') i++;
    else if (seg[i] === ']') return i;
  }
  return -1;
}

function escapeRegex(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** The rules of one .gitignore file and the folder it sits in (absolute, `/` separators). */
export interface IgnoreFile {
  dir: string;
  rules: IgnoreRule[];
}

/**
 * The .gitignore files that apply in one folder, outermost first. Immutable: entering a
 * subfolder with its own .gitignore makes a new stack that shares its parent's files.
 */
export class IgnoreStack {
  static readonly EMPTY = new IgnoreStack([]);

  private constructor(readonly files: readonly IgnoreFile[]) {}

  /** This stack plus a deeper .gitignore (no-op when the file has no rules). */
  with(file: IgnoreFile): IgnoreStack {
    return file.rules.length === 0 ? this : new IgnoreStack([...this.files, file]);
  }

  /**
   * True when the path (absolute, `/` separators) is ignored. Deeper files are asked first, and
   * within a file the last matching rule decides.
   */
  ignores(path: string, isDir: boolean): boolean {
    for (let f = this.files.length - 1; f >= 0; f--) {
      const file = this.files[f];
      if (!path.startsWith(file.dir + '/') && !(file.dir === '/' && path.startsWith('/'))) continue;
      const rel = file.dir === '/' ? path.slice(1) : path.slice(file.dir.length + 1);
      for (let r = file.rules.length - 1; r >= 0; r--) {
        const rule = file.rules[r];
        if (rule.dirOnly && !isDir) continue;
        if (rule.regex.test(rel)) return !rule.negate;
      }
    }
    return false;
  }
}
