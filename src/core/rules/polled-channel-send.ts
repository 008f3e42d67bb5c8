import type { FuncSummary, Op, PackageView } from '../model/package';
import { canonical, unbuffered } from '../model/serving';
import { baseName, variableField } from '../model/locks';
import type { Node } from '../syntax/parser';
import type { Related, Rule } from '../findings/rule';
import { enclosingFunction, excerpt } from '../syntax/nodes';

export const rule: Rule = {
  id: 'polled-channel-send',
  title: 'Goroutine sends on a channel that is only polled',
  severity: 'warning',
  // A test's helper goroutine stuck this way ends with the test binary.
  severityInTests: 'info',
  category: 'goroutine-leak',
  docs: {
    summary:
      'A goroutine sends with a plain `s.errc <- err` on an unbuffered channel field whose every receive in the package is a case of a `select` with `default`: the send waits until some poll happens to run, and once the polling stops (the reader returned, the object was closed) it waits forever.',
    why:
      'An unbuffered send completes only when a receiver is ready at the same moment. A `select` with a `default` case never waits: it takes ' +
      'the value only if a sender is already blocked on the send. So a goroutine that reports an error with `s.errc <- err`, to a reader that ' +
      'only polls `s.errc` between reads, sits blocked until the next `Read`; when the reader stops calling `Read` (it hit its own error ' +
      'first, or closed the stream), no poll ever comes and the goroutine leaks with what it holds. A buffer of one, a `select` that also ' +
      'watches a stop signal, or a receive that waits fixes it.',
    interleaving: [
      'The goroutine hits an error and reaches `s.errc <- err`: no receiver is ready, so it blocks.',
      '`Read` polls `s.errc` only inside `select { case err := <-s.errc: ...; default: }`; the caller gets its own error from the stream first and stops reading.',
      'No poll runs any more: the goroutine stays blocked on the send forever.',
    ],
    bad: `type reader struct {
	stream Stream
	errc   chan error
}

func newReader(s Stream) *reader {
	r := &reader{stream: s, errc: make(chan error)}
	go func() {
		if err := s.SendWindow(); err != nil {
			r.errc <- err // waits for a poll that may never come
		}
	}()
	return r
}

func (r *reader) Read(p []byte) (int, error) {
	select {
	case err := <-r.errc:
		return 0, err
	default:
	}
	return r.stream.Read(p)
}`,
    good: `func newReader(s Stream) *reader {
	r := &reader{stream: s, errc: make(chan error, 1)}
	go func() {
		if err := s.SendWindow(); err != nil {
			r.errc <- err // the buffer holds it; the goroutine exits
		}
	}()
	return r
}`,
    fixes:
      'No automatic fix: a buffer of one is right only when the goroutine sends once, and a `select` on a stop signal needs one the ' +
      'goroutine can see. Make the channel buffered (`make(chan error, 1)`) for a single error, or send in a `select` with the ' +
      'context\'s `Done()`.',
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\.\w+\s*<-/.test(file.text) || !file.text.includes('go ')) return;
    const view = ctx.package;
    const own = view.files.find((f) => f.fileName === file.fileName);
    if (!own) return;
    const polls = pollsByTarget(view);
    if (polls.size === 0) return;
    // One finding per channel and goroutine: the first send, the others as related places.
    const groups = new Map<string, { fn: FuncSummary; op: Op; stmt: Node; channel: string; found: Poll[]; others: Node[] }>();
    for (const fn of own.functions) {
      for (const op of fn.ops) {
        if (op.kind !== 'send' || op.nonBlocking || op.alternatives || op.context !== 'goroutine') continue;
        const node = file.root.descendantForIndex(op.start, op.end);
        if (!ctx.inFocus(node)) continue;
        const stmt = node.type === 'send_statement' ? node : node.parent?.type === 'send_statement' ? node.parent : undefined;
        const channelNode = stmt?.childForFieldName('channel');
        const channel = channelNode?.text;
        if (!stmt || !channelNode || !channel) continue;
        const target = op.target.startsWith('local:') ? variableField(file, channelNode) : canonical(fn, op.target);
        const found = target ? polls.get(target) : undefined;
        if (!target || !found || !unbuffered(view, target)) continue;
        const key = `${target}@${enclosingFunction(stmt)?.id}`;
        const group = groups.get(key);
        if (group) group.others.push(stmt);
        else groups.set(key, { fn, op, stmt, channel, found, others: [] });
      }
    }
    for (const { op, stmt, channel, found, others } of groups.values()) {
      const poll = found[0];
      const where = poll.fn.file === file.fileName ? `line ${poll.op.line}` : `${baseName(poll.fn.file)}:${poll.op.line}`;
      const poller = `\`${poll.fn.name}\``;
      const related: Related[] = [
        ...found
          .filter((p) => p.fn.file === file.fileName)
          .map((p) => ({ span: { start: p.op.start, end: p.op.end }, message: `\`${p.fn.name}\` only polls the channel here: a \`select\` with \`default\` never waits for the sender` })),
        ...others.map((o) => ({ span: { start: o.startIndex, end: o.endIndex }, message: 'the goroutine sends here too, the same way' })),
      ];
      ctx.report({
        span: { start: op.start, end: op.end },
        message: `\`${excerpt(stmt.text, 32)}\` waits for ${poller} to poll the channel (${where}), which never waits: once polling stops, the goroutine blocks forever`,
        related,
        steps: [
          `The goroutine reaches \`${excerpt(stmt.text, 40)}\` (line ${op.line}); \`${channel}\` has no buffer, so the send waits for a receiver.`,
          `Every receive of the channel is a \`select\` case next to \`default\` (${poller}, ${where}): it takes the value only if it runs while the send waits.`,
          `Once ${poller} is no longer called, nothing receives: the goroutine blocks on the send forever.`,
        ],
      });
    }
  },
};

interface Poll {
  fn: FuncSummary;
  op: Op;
}

/**
 * Channel fields (`Reader.errc`) whose every receive in the package is a case of a `select` with
 * `default`, none of them ranged over or closed: the receives found, by target.
 */
function pollsByTarget(view: PackageView): Map<string, Poll[]> {
  const polls = new Map<string, Poll[]>();
  const waits = new Set<string>();
  for (const fn of view.functions) {
    for (const op of fn.ops) {
      if (op.kind !== 'recv' && op.kind !== 'range' && op.kind !== 'close') continue;
      const target = canonical(fn, op.target);
      if (!/^[A-Za-z_]\w*\.[a-z_]\w*$/.test(target)) continue;
      if (op.kind === 'recv' && op.nonBlocking) polls.set(target, [...(polls.get(target) ?? []), { fn, op }]);
      else waits.add(target);
    }
  }
  for (const t of waits) polls.delete(t);
  return polls;
}

