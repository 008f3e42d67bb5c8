import type { FileFacts } from '../model/facts';
import type { PackageView } from '../model/package';
import { canonical, handledUse, onlyReceivers, senderIsOutside, servingLoops, stopExpression, type HandledDrop, type Serving } from '../model/serving';
import { runsBefore } from '../model/paths';
import { baseName } from '../model/locks';
import type { Fix, Related, Rule } from '../findings/rule';
import { eol, indentAt, replaceNode, standsAlone } from '../findings/edits';
import { enclosingFunction, excerpt, unparen, walk } from '../syntax/nodes';
import type { Node } from '../syntax/parser';

export const rule: Rule = {
  id: 'unanswered-request',
  title: 'Wait for a reply that the serving loop may never send',
  severity: 'warning',
  // Test fakes often serve one request per test; a stuck caller hangs that test only.
  severityInTests: 'info',
  category: 'goroutine-leak',
  docs: {
    summary:
      'A method hands a request to a serving loop (`for { select { ... } }` or `for r := range s.reqc`) and waits for the reply with a plain receive, while a path of the loop takes the request and returns or moves on without replying.',
    why:
      'Servers often funnel work through one goroutine: `run` takes requests from `s.reqc`, does the work and answers on a channel the ' +
      'caller put into the request (`r.reply <- v`); the caller sends the request, usually in a `select` that gives up on `<-s.stop`, and ' +
      'then waits with `<-r.reply`. Giving up on the send is not enough when the loop can take the request and then leave without ' +
      'answering it: an early `return` on an error, a `continue`, or a shutdown case in the middle of the work. Nothing ever sends on ' +
      '`r.reply` then, and the caller blocks forever with whatever it holds. Such hangs, usually seen once a server shuts down under ' +
      'load, are common in consensus libraries, container runtimes and RPC stacks. Either every path of the loop answers (an error ' +
      'is an answer too), or the caller waits for the reply in a `select` with the loop\'s stop channel.',
    interleaving: [
      'The caller sends `r` on `s.reqc`; `run`, the only receiver, takes it.',
      '`run` hits an error (or a stop case) and returns before `r.reply <- v`.',
      'The caller waits on `<-r.reply`: nothing will ever send on it, and the caller blocks forever.',
    ],
    bad: `func (s *Server) run() {
	for {
		select {
		case r := <-s.reqc:
			v, err := s.load(r.key)
			if err != nil {
				return // r is never answered
			}
			r.reply <- v
		case <-s.stop:
			return
		}
	}
}

func (s *Server) Get(key string) (string, error) {
	r := request{key: key, reply: make(chan string, 1)}
	select {
	case s.reqc <- r:
	case <-s.stop:
		return "", errStopped
	}
	return <-r.reply, nil // blocks forever if run returned with r
}`,
    fixes:
      '**Give up waiting when the loop stops** wraps a reply wait that is a statement of its own, an assignment or a declaration in a `select` ' +
      'with the loop\'s stop channel (a field the package closes, or a context field\'s `Done()`). It is not applied by fix-all: when the loop ' +
      'has stopped, the caller goes on without the reply (a declared value keeps its zero value), which it may need to report.',
    good: `func (s *Server) Get(key string) (string, error) {
	r := request{key: key, reply: make(chan string, 1)}
	select {
	case s.reqc <- r:
	case <-s.stop:
		return "", errStopped
	}
	select {
	case v := <-r.reply:
		return v, nil
	case <-s.stop: // run may have returned with r
		return "", errStopped
	}
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!/<-/.test(file.text)) return;
    const view = ctx.package;
    const own = view.files.find((f) => f.fileName === file.fileName);
    if (!own || !own.functions.some((fn) => fn.ops.some((op) => op.kind === 'send'))) return;
    const loops = servingLoops(view);
    if (loops.size === 0) return;
    const done = new Set<number>();
    for (const fn of own.functions) {
      for (const op of fn.ops) {
        if (op.kind !== 'send') continue;
        const target = canonical(fn, op.target);
        const serving = loops.get(target);
        if (!serving || serving.length !== 1 || !onlyReceivers(view, target, serving) || !senderIsOutside(fn, serving)) continue;
        const taken = serving[0].loop.receives.find((r) => r.target === target)?.request;
        const request = taken ? handledUse(view, taken) : undefined;
        if (!request || request.drops.length === 0) continue;
        const send = sendAt(file, op.start, op.end);
        if (!send) continue;
        for (const w of waitsFor(file, send, view)) {
          if (done.has(w.recv.id) || !request.answers.includes(w.field)) continue;
          if (!plainRequest(view, target, w.field, request)) continue;
          done.add(w.recv.id);
          report(ctx, file, send, w.recv, serving[0], request.drops[0], giveUpFix(file, view, send, w.recv, serving[0]));
        }
      }
    }
  },
};

function sendAt(file: FileFacts, start: number, end: number): Node | undefined {
  const node = file.root.descendantForIndex(start, end);
  const stmt = node.type === 'send_statement' ? node : node.parent?.type === 'send_statement' ? node.parent : undefined;
  return stmt;
}

/**
 * The plain receives, after `send` in its function and surely after it ran, that wait for the
 * reply to the request it sends: `<-r.reply` for `s.reqc <- r`, `<-ch` for `s.reqc <- req{reply: ch}`
 * (or a request so built), `<-ch` for `s.reqc <- ch`.
 */
function waitsFor(file: FileFacts, send: Node, view: PackageView): { recv: Node; field: string }[] {
  const fnNode = enclosingFunction(send);
  const value = send.childForFieldName('value');
  if (!fnNode || !value) return [];
  let v = unparen(value);
  if (v.type === 'unary_expression' && v.childForFieldName('operator')?.text === '&') v = unparen(v.childForFieldName('operand')!);
  /** Channels (as declarations) that hold the reply, with the request field they were put in. */
  const chans = new Map<unknown, string>();
  let request: unknown;
  const literalFields = (lit: Node) => {
    for (const [field, el] of keyedElements(lit, view)) {
      const e = unparen(el);
      const d = e.type === 'identifier' ? file.lookup(e.text, e)?.decl : undefined;
      if (d) chans.set(d, field);
    }
  };
  if (v.type === 'composite_literal') literalFields(v);
  else if (v.type === 'identifier') {
    const d = file.lookup(v.text, v)?.decl;
    if (!d) return [];
    request = d;
    chans.set(d, '');
    const init = d.init ? unparen(d.init) : undefined;
    const lit = init?.type === 'unary_expression' ? unparen(init.childForFieldName('operand')!) : init;
    if (lit?.type === 'composite_literal') literalFields(lit);
  } else return [];

  const out: { recv: Node; field: string }[] = [];
  walk(fnNode.childForFieldName('body')!, (n) => {
    if (n.type === 'func_literal') return false;
    if (n.startIndex < send.endIndex) return n.endIndex > send.endIndex ? undefined : false;
    if (n.type !== 'unary_expression' || n.childForFieldName('operator')?.text !== '<-') return;
    const operand = unparen(n.childForFieldName('operand')!);
    let field: string | undefined;
    if (operand.type === 'identifier') {
      const d = file.lookup(operand.text, operand)?.decl;
      if (d) field = chans.get(d);
    } else if (operand.type === 'selector_expression' && request) {
      const base = unparen(operand.childForFieldName('operand')!);
      if (base.type === 'identifier' && file.lookup(base.text, base)?.decl === request) field = operand.childForFieldName('field')?.text;
    }
    if (field === undefined || !isPlainWait(n) || !runsBefore(send, n)) return;
    out.push({ recv: n, field });
  });
  return out;
}

/** `f: x` elements of a composite literal, and positional ones when the package declares the struct. */
function keyedElements(lit: Node, view: PackageView): [string, Node][] {
  const body = lit.childForFieldName('body');
  const type = lit.childForFieldName('type');
  if (!body) return [];
  const out: [string, Node][] = [];
  const elements = body.namedChildren.filter((c) => c.type === 'keyed_element' || c.type === 'literal_element');
  const positional = elements.every((e) => e.type === 'literal_element');
  const fields = positional && type?.type === 'type_identifier' ? Object.keys(view.struct(type.text) ?? {}) : [];
  elements.forEach((e, i) => {
    if (e.type === 'keyed_element') {
      const [k, val] = e.namedChildren;
      const key = k?.namedChild(0) ?? k;
      const value = val?.namedChild(0) ?? val;
      if (key && value && /^(field_identifier|identifier)$/.test(key.type)) out.push([key.text, value]);
    } else if (positional && fields.length === elements.length) {
      const value = e.namedChild(0) ?? e;
      out.push([fields[i], value]);
    }
  });
  return out;
}

/** A receive that waits alone: not a case of a select with other cases or a default. */
function isPlainWait(recv: Node): boolean {
  let n: Node = recv;
  while (n.parent && /^(parenthesized_expression|expression_list|receive_statement|expression_statement)$/.test(n.parent.type)) n = n.parent;
  return n.parent?.type !== 'communication_case';
}

/** Plain data: what a field only read on the dropping paths may be without carrying an answer. */
const DATA = /^(\[\])*\*?(string|bool|byte|rune|u?int(8|16|32|64)?|uintptr|float(32|64)|complex(64|128)|error|time\.(Duration|Time)|context\.Context)$/;

/**
 * The served channel carries requests of a struct type of the package whose reply field is a
 * channel, and the fields the dropping paths read are plain data (or it carries the reply channel itself).
 */
function plainRequest(view: PackageView, target: string, field: string, request: { reads: readonly string[] }): boolean {
  const dot = target.lastIndexOf('.');
  const chanType = view.structField(target.slice(0, dot), target.slice(dot + 1));
  const m = chanType ? /^(?:<-)?chan(?:<-)?(.*)$/.exec(chanType) : undefined;
  if (!m) return false;
  const elem = m[1];
  if (field === '') return /^(<-)?chan/.test(elem) && request.reads.length === 0;
  const type = elem.replace(/^\*/, '');
  if (!/^[A-Za-z_]\w*$/.test(type)) return false;
  const reply = view.structField(type, field);
  if (!reply || !/^(<-)?chan/.test(reply)) return false;
  return request.reads.every((r) => r !== field && plainData(view, view.structField(type, r), 0));
}

/** Names of function and channel types, which may carry an answer: `doneFunc`, `ReplyChan`. */
const CALLBACKISH = /(Func|Fn|Handler|Callback|Hook|Chan|Ch)$/i;

/**
 * A field's type that cannot carry the answer: basic types, time and contexts, slices of them,
 * another package's types other than sync's, and this package's structs of such fields (other
 * named types of the package unless their name says function or channel).
 */
function plainData(view: PackageView, type: string | undefined, depth: number): boolean {
  if (!type) return false;
  if (DATA.test(type)) return true;
  const base = type.replace(/^(\[\d*\]|\*)+/, '');
  if (/^(chan|<-|func|map|interface|struct)/.test(base) || base === 'any') return false;
  if (base.includes('.')) return !/^(sync|atomic)\./.test(base);
  if (!/^[A-Za-z_]\w*$/.test(base)) return false;
  const fields = view.struct(base);
  if (!fields) return !CALLBACKISH.test(base);
  return depth < 2 && Object.values(fields).every((t) => plainData(view, t, depth + 1));
}

function report(ctx: Parameters<Rule['check']>[0], file: FileFacts, send: Node, recv: Node, s: Serving, drop: HandledDrop, fixes: Fix[]): void {
  // The drop is in the loop, or in the helper the loop passed the request to.
  const dropFile = drop.helper?.file ?? s.fn.file;
  const here = dropFile === file.fileName;
  const at = here ? `line ${drop.line}` : `${baseName(dropFile)}:${drop.line}`;
  const loop = `\`${s.fn.name}\``;
  const wait = `\`${excerpt(recv.text, 24)}\``;
  const how = drop.how === 'return' ? 'returns' : drop.how === 'continue' ? 'moves on' : s.loop.range ? 'goes round to the next one' : 'ends the case';
  const what = drop.helper ? `takes this request and \`${drop.helper.name}\`, which it hands the request to, returns without replying` : `takes this request and ${how} without replying`;
  const related: Related[] = [];
  if (here) related.push({ span: { start: drop.start, end: drop.end }, message: drop.helper ? `\`${drop.helper.name}\` returns here with the request not answered` : `${loop} ${how} here with the request taken and not answered` });
  ctx.report({
    node: recv,
    message: `${wait} blocks forever if ${loop} ${what} (${at})`,
    related,
    steps: [
      `${send.startPosition.row + 1 === recv.startPosition.row + 1 ? 'This line' : `Line ${send.startPosition.row + 1}`} hands the request to ${loop}, the only receiver of \`${excerpt(send.childForFieldName('channel')?.text ?? '', 24)}\`.`,
      drop.helper
        ? `${loop} takes it and passes it to \`${drop.helper.name}\`, which returns at ${at} without sending a reply.`
        : `${loop} takes it and ${how} at ${at} without sending a reply.`,
      `${wait} (line ${recv.startPosition.row + 1}) waits for a reply that never comes: the caller blocks forever.`,
    ],
    fixes,
  });
}

/**
 * Wait for the reply in a `select` that also gives up when the loop stops, when the stop is a
 * broadcast field the caller can name (see stopExpression): for a wait that is a statement of
 * its own (`<-r.done`), an assignment (`v = <-r.reply`) or a declaration whose type the reply
 * channel's type gives (`v := <-r.reply` becomes `var v T` and the select). Not safe: on stop the
 * caller goes on without the reply (with the zero value), which it may need to report.
 */
function giveUpFix(file: FileFacts, view: PackageView, send: Node, recv: Node, s: Serving): Fix[] {
  const channel = send.childForFieldName('channel');
  const c = channel ? unparen(channel) : undefined;
  const base = c?.type === 'selector_expression' ? c.childForFieldName('operand')?.text : undefined;
  const stopExpr = base && /^[A-Za-z_][\w.]*$/.test(base) ? stopExpression(view, s, base) : undefined;
  if (!stopExpr) return [];
  let stmt: Node | undefined;
  let comm: string | undefined;
  let decl: string | undefined;
  const p = recv.parent;
  if (p?.type === 'expression_statement') [stmt, comm] = [p, recv.text];
  else if (p?.type === 'expression_list' && p.namedChildCount === 1 && (p.parent?.type === 'assignment_statement' || p.parent?.type === 'short_var_declaration')) {
    const st = p.parent;
    const left = st.childForFieldName('left')?.namedChildren ?? [];
    const op = st.type === 'assignment_statement' ? st.childForFieldName('operator')?.text : ':=';
    if (left.length === 1 && (op === '=' || op === ':=')) {
      stmt = st;
      comm = `${left[0].text} = ${recv.text}`;
      if (op === ':=') {
        // `v := <-r.reply`: the element type of the reply channel, when it is a plain type name.
        const operand = recv.childForFieldName('operand');
        const elem = operand ? file.typeOf(operand)?.replace(/^(<-)?chan(<-)?/, '') : undefined;
        if (!elem || !/^(\*|\[\])*[A-Za-z_]\w*(\.[A-Za-z_]\w*)?$/.test(elem) || left[0].type !== 'identifier') return [];
        decl = `var ${left[0].text} ${elem}`;
      }
    }
  }
  if (!stmt || !comm || stmt.parent?.type !== 'statement_list' || !standsAlone(file.source, stmt)) return [];
  const nl = eol(file.source);
  const indent = indentAt(file.source, stmt.startIndex);
  const text = [...(decl ? [decl] : []), 'select {', `case ${comm}:`, `case <-${stopExpr}:`, '}'].join(nl + indent);
  return [{ title: `Give up waiting when \`${s.fn.name}\` stops (\`case <-${stopExpr}:\`)`, edits: [replaceNode(stmt, text)], safe: false }];
}
