import { lift, runsBefore, trace, type Body, type Lifted, type Use } from '../model/channels';
import { isWaitGroupType, type FileFacts, type FuncInfo, type VarDecl } from '../model/facts';
import type { Node } from '../syntax/parser';
import type { Rule } from '../findings/rule';
import type { PackageView } from '../model/package';
import { lineOf, quote } from '../syntax/nodes';
import { surelyFollows, surelyReached } from '../model/paths';

export const rule: Rule = {
  id: 'waitgroup-wait-inside-worker',
  title: 'WaitGroup waited on by a goroutine it counts',
  severity: 'error',
  category: 'waitgroup',
  docs: {
    summary:
      '`wg.Wait()` runs inside a goroutine (or function) that the same `wg` counts, before that goroutine\'s own `wg.Done()`: `Wait` waits for itself and never returns.',
    why:
      '`Wait` returns when the counter reaches zero, and a goroutine counted by `wg` only lowers the counter when it calls `Done`. If ' +
      'that goroutine calls `wg.Wait()` before its own `Done` has run (typically because the `Done` is deferred), the counter can ' +
      'never reach zero while it waits: the goroutine deadlocks, and so does everyone else waiting on `wg`. Waiting belongs to the ' +
      'code that started the goroutines, or to a separate WaitGroup for the sub-tasks the worker starts itself.',
    interleaving: [
      'The parent calls `wg.Add(1)` and starts the worker; the counter is 1.',
      'The worker defers `wg.Done()` and, before returning, calls `wg.Wait()`.',
      'The counter is at least 1 (the worker\'s own count), and that count is released only after `Wait` returns: the worker waits forever, and the parent\'s `Wait` too.',
    ],
    bad: `func crawl(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			for _, link := range links(u) {
				wg.Add(1)
				go func(l string) {
					defer wg.Done()
					download(l)
				}(link)
			}
			wg.Wait() // waits for its own Done too
		}(u)
	}
	wg.Wait()
}`,
    good: `func crawl(urls []string) {
	var wg sync.WaitGroup
	for _, u := range urls {
		wg.Add(1)
		go func(u string) {
			defer wg.Done()
			var children sync.WaitGroup // a WaitGroup of its own for the sub-tasks
			for _, link := range links(u) {
				children.Add(1)
				go func(l string) {
					defer children.Done()
					download(l)
				}(link)
			}
			children.Wait()
		}(u)
	}
	wg.Wait()
}`,
  },
  check(ctx) {
    const file = ctx.file;
    if (!/\.Wait\(\)/.test(file.text) || !/\.Done\(\)/.test(file.text)) return;
    const reported = new Set<number>();
    const globals = file.packageVars.filter((v) => isWaitGroupType(file.typeOf(v.node)));
    for (const fn of file.functions) {
      if (!fn.body || !ctx.inFocus(fn.node)) continue;
      for (const c of waitGroupKeys(file, ctx.package, fn, globals)) {
        const t = trace(file, fn, c.key, c.identity, c.skip);
        const byThread = new Map<Body, { use: Use; l: Lifted }[]>();
        for (const use of t.uses) {
          if (use.kind !== 'method' || (use.name !== 'Wait' && use.name !== 'Done' && use.name !== 'Add')) continue;
          const l = lift(use.body, use.op);
          const list = byThread.get(l.thread) ?? [];
          list.push({ use, l });
          byThread.set(l.thread, list);
        }
        for (const [thread, uses] of byThread) {
          const dones = uses.filter((u) => u.use.name === 'Done');
          if (dones.length === 0) continue;
          const adds = uses.filter((u) => u.use.name === 'Add');
          for (const w of uses) {
            if (w.use.name !== 'Wait' || reported.has(w.use.op.id)) continue;
            // The thread counts itself after the Wait (minio's grid connection waits for the last
            // connection's reader and writer, then adds its own): its Done answers that Add.
            if (adds.some((a) => a.l.at.startIndex > w.l.at.startIndex)) continue;
            const done = selfWait(thread, w.l, dones.map((d) => d.l));
            if (!done) continue;
            reported.add(w.use.op.id);
            ctx.report(report(thread, w.use, w.l, done, dones.find((d) => d.l === done)!.use));
          }
        }
      }
    }
  },
};

/**
 * The WaitGroups `fn` can name: its locals and parameters of WaitGroup type, package variables
 * it uses, and WaitGroup fields of its receiver (`s.wg`). Literals are traced from the function
 * that declares the WaitGroup, so only their own locals are candidates there.
 */
function waitGroupKeys(file: FileFacts, view: PackageView, fn: FuncInfo, globals: VarDecl[]): { key: string; identity: unknown; skip?: Node }[] {
  const out: { key: string; identity: unknown; skip?: Node }[] = [];
  for (const d of file.locals(fn)) {
    // Cheap text test first: typeOf looks the name up again.
    if (!(d.type ?? d.init?.text ?? '').includes('WaitGroup')) continue;
    if (isWaitGroupType(file.typeOf(d.node))) out.push({ key: d.name, identity: d, skip: d.node });
  }
  for (const p of fn.params) if (p.name && isWaitGroupType(p.type)) out.push({ key: p.name, identity: p });
  if (fn.kind === 'literal') return out;
  if (fn.receiver?.name) {
    const fields = file.structs.get(fn.receiver.typeName) ?? new Map(Object.entries(view.struct(fn.receiver.typeName) ?? {}));
    for (const [field, type] of fields) if (isWaitGroupType(type)) out.push({ key: `${fn.receiver.name}.${field}`, identity: fn });
  }
  for (const v of globals) {
    if (new RegExp(`\\b${v.name}\\.(Wait|Done)\\(`).test(fn.body!.text) && !file.lookup(v.name, fn.body!)?.fn) {
      out.push({ key: v.name, identity: v });
    }
  }
  return out;
}

/**
 * The Done of `thread` that is still pending when the Wait runs: a deferred Done (registered on
 * every path, or before the Wait) runs only when the thread returns, after any plain Wait; a
 * plain Done that surely follows the Wait has not run yet. A deferred Wait waits only if a
 * deferred Done was registered before it (defers run last first). Undefined when some Done may
 * already have run.
 */
function selfWait(thread: Body, wait: Lifted, dones: Lifted[]): Lifted | undefined {
  const body = thread.fn.body!;
  const deferStmt = (l: Lifted) => (l.at.parent?.type === 'defer_statement' ? l.at.parent : l.at);
  if (wait.looped) return undefined;
  if (wait.deferred) {
    const d = dones.find((x) => x.deferred && !x.looped && deferStmt(x).endIndex <= deferStmt(wait).startIndex && runsBefore(deferStmt(x), deferStmt(wait)));
    // A plain Done before the deferred Wait runs would release the count first.
    return d && !dones.some((x) => !x.deferred) ? d : undefined;
  }
  // Any plain Done before the Wait may have released this thread's count.
  if (dones.some((x) => !x.deferred && x.at.startIndex < wait.at.startIndex)) return undefined;
  const deferred = dones.find((x) => x.deferred && !x.looped && (surelyReached(deferStmt(x), body) || runsBefore(deferStmt(x), wait.at)));
  if (deferred) return deferred;
  return dones.find((x) => !x.deferred && !x.looped && surelyFollows(wait.at, x.at));
}

function runner(thread: Body): string {
  if (thread.how === 'goroutine' && thread.via) return `the goroutine started at line ${lineOf(thread.via)}`;
  const fn = thread.fn;
  return fn.name ? `\`${fn.name}\`` : `the function literal at line ${lineOf(fn.node)}`;
}

function span(n: Node) {
  return { start: n.startIndex, end: n.endIndex };
}

function report(thread: Body, wait: Use, wl: Lifted, done: Lifted, doneUse: Use) {
  const who = runner(thread);
  const Who = who.charAt(0).toUpperCase() + who.slice(1);
  const doneText = done.deferred ? `defer ${quote(doneUse.op)}` : quote(doneUse.op);
  const direct = wl.at.id === wait.op.id;
  const subject = direct ? `\`${quote(wait.op, 28)}\` runs` : `\`${quote(wl.at, 28)}\` calls \`${quote(wait.op, 24)}\``;
  return {
    node: wl.at,
    message:
      `${subject} in a goroutine counted by \`${quote(wait.ref, 24)}\`, before its own \`${doneText}\`: it waits for itself forever`,
    related: [
      { span: span(doneUse.op), message: done.deferred ? 'this Done runs only when the goroutine returns' : 'this Done comes after the Wait' },
      ...(thread.via ? [{ span: span(thread.via), message: 'the goroutine counted by the WaitGroup' }] : []),
    ],
    steps: [
      `${Who} is counted by \`${quote(wait.ref)}\`: it releases its count with \`${doneText}\` (line ${lineOf(doneUse.op)}).`,
      `Line ${lineOf(wl.at)}: ${direct ? 'it calls' : `through \`${quote(wl.at)}\` it reaches`} \`${quote(wait.op)}\` while its own count is still held.`,
      `\`Wait\` needs the counter at zero, which needs this goroutine's \`Done\`, which needs \`Wait\` to return: a deadlock that also blocks every other \`Wait\` on \`${quote(wait.ref)}\`.`,
    ],
  };
}
