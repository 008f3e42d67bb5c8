import type { FuncSummary, Op, PackageView } from '../model/package';
import { canonical, maybeField, onlySenders, sendingLoops, type Serving } from '../model/serving';
import { processLifetimeParam } from '../model/context';
import { baseName } from '../model/locks';
import type { Related, Rule } from '../findings/rule';
import { excerpt } from '../syntax/nodes';

export const rule: Rule = {
  id: 'receive-from-stopped-loop',
  title: 'Receive from a loop that may already have stopped sending',
  severity: 'warning',
  // Test fakes often run such loops for one test; a stuck receiver hangs that test only.
  severityInTests: 'info',
  category: 'goroutine-leak',
  docs: {
    summary:
      'A method receives from a channel field whose only sender is a `for { select { case s.out <- v: ...; case <-s.stop: return } }` loop, which never closes the channel: after the loop has returned, the receive waits forever.',
    why:
      'A producer goroutine often owns an output channel: `run` loops offering the next value with `case s.out <- v:` and returns on ' +
      '`<-s.stop` or `<-ctx.Done()`, and methods such as `Next` take values with `<-s.out`. Once the loop has returned, nothing sends on ' +
      '`s.out` any more. A caller that receives after that, or that was already waiting when the stop case won, blocks forever: the ' +
      'goroutine leaks with whatever it holds. Either the loop closes the channel when it returns (`defer close(s.out)`), so that ' +
      'receivers see the end, or the receivers wait on the same stop signal as the loop.',
    interleaving: [
      '`run` is the only goroutine sending on `s.out`; it returns when `<-s.stop` fires, without closing `s.out`.',
      '`Stop` closes `s.stop`; `run` returns.',
      'A caller of `Next` reaches `<-s.out`: no goroutine will ever send on it, and the caller blocks forever.',
    ],
    bad: `func (s *Source) run() {
	for {
		v := s.produce()
		select {
		case s.out <- v:
		case <-s.stop:
			return
		}
	}
}

func (s *Source) Next() int {
	return <-s.out // blocks forever once run has returned
}`,
    good: `func (s *Source) run() {
	defer close(s.out) // receivers see the end
	for {
		v := s.produce()
		select {
		case s.out <- v:
		case <-s.stop:
			return
		}
	}
}

func (s *Source) Next() (int, bool) {
	v, ok := <-s.out
	return v, ok
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!/<-/.test(file.text)) return;
    const view = ctx.package;
    const own = view.files.find((f) => f.fileName === file.fileName);
    if (!own || !own.functions.some((fn) => fn.ops.some((op) => op.kind === 'recv' || op.kind === 'range'))) return;
    const loops = sendingLoops(view);
    if (loops.size === 0) return;
    for (const fn of own.functions) {
      for (const op of fn.ops) {
        if ((op.kind !== 'recv' && op.kind !== 'range') || op.nonBlocking || op.alternatives) continue;
        const target = canonical(fn, op.target);
        const sending = loops.get(target);
        if (!sending || !onlySenders(view, target, sending) || !outside(fn, sending)) continue;
        const stops = sending.flatMap((s) => s.loop.stops);
        // A receiver that looks at the stop signal itself is ordered by the author.
        if (stops.some((s) => s.target !== undefined && fn.ops.some((o) => o.target === s.target || o.target + '.Done()' === s.target))) continue;
        // A channel that is closed somewhere (on the loop's way out, or by whoever stops it) ends every
        // receive; so may a close of the same field through a local whose type is not known (`r.decoded`
        // in a closure that `r := Reader{...}` stores).
        if ([...view.functions].some((f) => f.ops.some((o) => o.kind === 'close' && maybeField(f, o.target, target)))) continue;
        // A loop stopped only by a context that lives as long as the process (minio's GlobalContext) stops at exit.
        if (sending.every((s) => s.loop.stops.every((x) => untilExit(view, s.fn, x.target)))) continue;
        report(ctx, file.fileName, fn, op, sending[0]);
      }
    }
  },
};

/** A stop case on the `Done()` of a parameter that every caller fills with a process-wide context. */
function untilExit(view: PackageView, fn: FuncSummary, stop: string | undefined): boolean {
  const m = stop ? /^param(\d+)\.Done\(\)$/.exec(stop) : null;
  return m !== null && processLifetimeParam(view, fn.key, Number(m[1]));
}

/** The receiver is not the loop's function, nor a function that starts or calls it. */
function outside(fn: FuncSummary, loops: readonly Serving[]): boolean {
  return !loops.some((s) => s.fn.key === fn.key || fn.ops.some((o) => o.kind === 'call' && o.target === s.fn.key));
}

function report(ctx: Parameters<Rule['check']>[0], fileName: string, fn: FuncSummary, op: Op, s: Serving): void {
  const stop = s.loop.stops[0];
  const where = (line: number) => (s.fn.file === fileName ? `line ${line}` : `${baseName(s.fn.file)}:${line}`);
  const loopName = `\`${s.fn.name}\``;
  const channel = op.target.slice(op.target.lastIndexOf('.') + 1);
  const code = excerpt(ctx.file.text.slice(op.start, op.end), 32);
  const wait = op.kind === 'range' ? `\`for ${code}\`` : `\`${code}\``;
  const related: Related[] =
    s.fn.file === fileName ? [{ span: { start: stop.start, end: stop.end }, message: `${loopName} returns when this case fires, without closing \`${channel}\`; nothing sends on it after that` }] : [];
  ctx.report({
    span: { start: op.start, end: op.end },
    message: `${wait} blocks forever once ${loopName} has returned on \`${stop.text}\` (${where(stop.line)}): no other goroutine sends on it, and nothing closes it`,
    related,
    steps: [
      `${loopName} (${where(s.loop.line)}) is the only sender on \`${channel}\`, and returns when \`${stop.text}\` fires (${where(stop.line)}), leaving \`${channel}\` open.`,
      `After that, \`${fn.name}\` waits in ${wait} (line ${op.line}): no goroutine will send on it.`,
      `The goroutine running \`${fn.name}\` blocks forever, with whatever it holds.`,
    ],
  });
}
