/** Unified diffs (as `diff -u` and `git diff` print them) for `goconc --fix --diff`. */

type Op = { kind: '=' | '-' | '+'; a: number; b: number };

/** Splits a text into lines that keep their line break, so a missing final newline shows. */
function splitLines(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const j = text.indexOf('\n', i);
    if (j < 0) {
      out.push(text.slice(i));
      break;
    }
    out.push(text.slice(i, j + 1));
    i = j + 1;
  }
  return out;
}

/** The shortest edit script between two line arrays (Myers' O((N+M)D) algorithm). */
function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  // Common prefix and suffix first: fixes touch a few lines of large files.
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const n = A.length;
  const m = B.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && A[x] === B[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        done = true;
        break;
      }
    }
  }
  // Walk the trace back from (n, m).
  const mid: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK = k === -d || (k !== d && vd[offset + k - 1] < vd[offset + k + 1]) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : vd[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      mid.push({ kind: '=', a: x, b: y });
    }
    if (d > 0) {
      if (x === prevX) mid.push({ kind: '+', a: x, b: --y });
      else mid.push({ kind: '-', a: --x, b: y });
    }
  }
  mid.reverse();
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: '=', a: i, b: i });
  for (const op of mid) ops.push({ kind: op.kind, a: op.a + pre, b: op.b + pre });
  for (let i = 0; i < suf; i++) ops.push({ kind: '=', a: a.length - suf + i, b: b.length - suf + i });
  return ops;
}

/**
 * A unified diff of two versions of a file, with `context` lines around each change, or ''
 * when they are equal. `name` is printed as `a/name` and `b/name`, so `git apply` and
 * `patch -p1` take the output.
 */
export function unifiedDiff(name: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const out: string[] = [`--- a/${name}\n`, `+++ b/${name}\n`];
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i].kind === '=') i++;
    if (i >= ops.length) break;
    // A hunk: from `context` lines before this change to `context` after the last change that
    // is no more than 2 * context lines away from the previous one.
    const start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end].kind !== '=') end++;
      let eq = end;
      while (eq < ops.length && ops[eq].kind === '=') eq++;
      if (eq < ops.length && eq - end <= 2 * context) end = eq;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const aStart = hunk[0].a;
    const bStart = hunk[0].b;
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@\n`);
    for (const o of hunk) {
      const line = o.kind === '+' ? b[o.b] : a[o.a];
      const prefix = o.kind === '=' ? ' ' : o.kind;
      out.push(prefix + line);
      if (!line.endsWith('\n')) out.push('\n\\ No newline at end of file\n');
    }
    i = end;
  }
  return out.join('');
}

/** `start,count` with 1-based start; an empty range names the line before it, as diff does. */
function range(start0: number, count: number): string {
  if (count === 0) return `${start0},0`;
  if (count === 1) return `${start0 + 1}`;
  return `${start0 + 1},${count}`;
}
