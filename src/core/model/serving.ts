/**
 * Serving loops across a package: which loop of which function is the receiver of a channel
 * field (`Server.reqc`), and whether it is the only one. Shared by the rules about a loop that
 * stops (send-to-stopped-loop) and a loop that drops what it took (unanswered-request).
 */
import { typedTarget, type FuncSummary, type PackageView, type ServeLoop } from './package';
import type { Drop, RequestUse } from './requests';

export interface Serving {
  fn: FuncSummary;
  loop: ServeLoop;
}

/** Serving loops of the package by the unexported channel field they receive from (`Server.reqc`). */
export function servingLoops(view: PackageView): Map<string, Serving[]> {
  const out = new Map<string, Serving[]>();
  for (const fn of view.functions) {
    for (const loop of fn.serves ?? []) {
      for (const r of loop.receives) {
        if (!/^[A-Za-z_]\w*\.[a-z_]\w*$/.test(r.target)) continue;
        const list = out.get(r.target) ?? [];
        if (!list.some((s) => s.loop === loop)) list.push({ fn, loop });
        out.set(r.target, list);
      }
    }
  }
  return out;
}

/**
 * Some file makes the field's channel without a buffer, and none with one (stores into the same
 * field name of another struct type do not count; stores whose type is not shown do).
 */
export function unbuffered(view: PackageView, target: string): boolean {
  const field = target.slice(target.lastIndexOf('.') + 1);
  const kinds = view.files.flatMap((f) => [f.channelMakes?.[target], f.channelMakes?.[field]]).filter((k) => k !== undefined);
  return kinds.length > 0 && kinds.every((k) => k === 'unbuffered');
}

/** Some file of the package gives the field's channel a buffer (by `Type.field`, or by field name where the type is not shown). */
export function bufferedSomewhere(view: PackageView, target: string): boolean {
  const field = target.slice(target.lastIndexOf('.') + 1);
  return view.files.some((f) => f.channelMakes?.[target] === 'buffered' || f.channelMakes?.[field] === 'buffered');
}

/** A target in its type's names (see typedTarget), or as it is. */
export function canonical(fn: FuncSummary, target: string): string {
  return typedTarget(fn, target) ?? target;
}

/** Every receive of `target` in the package is a case of one of the serving loops. */
export function onlyReceivers(view: PackageView, target: string, serving: readonly Serving[]): boolean {
  for (const fn of view.functions) {
    for (const op of fn.ops) {
      if ((op.kind !== 'recv' && op.kind !== 'range') || canonical(fn, op.target) !== target) continue;
      if (!serving.some((s) => s.fn === fn && s.loop.receives.some((r) => r.target === target && r.line === op.line))) return false;
    }
  }
  return true;
}

/** The sender is not the loop's function, nor a function that starts or calls it. */
export function senderIsOutside(fn: FuncSummary, serving: readonly Serving[]): boolean {
  return !serving.some((s) => s.fn.key === fn.key || fn.ops.some((o) => o.kind === 'call' && o.target === s.fn.key));
}

/** A place a request is dropped; `helper` is the function it was passed to, when the drop is there. */
export interface HandledDrop extends Drop {
  helper?: FuncSummary;
}

/**
 * What a serving loop does with a request, helpers included: a call the request is passed to
 * (`s.handle(r)`) answers what its summary says the helper answers, and the helper's paths that
 * return without answering are drops when the loop does not answer after the call either. A
 * helper the package does not summarise (or that never answers) counts as answering.
 */
export function handledUse(view: PackageView, use: RequestUse): { answers: string[]; reads: string[]; drops: HandledDrop[] } {
  const answers = new Set(use.answers);
  const reads = new Set(use.reads);
  const drops: HandledDrop[] = [...use.drops];
  for (const d of use.delegates ?? []) {
    const helper = view.func(d.callee);
    const h = helper?.handles?.[d.arg];
    if (!helper || !h) continue;
    for (const a of h.answers) answers.add(a);
    if (h.drops.length === 0 || d.after.length === 0) continue;
    for (const r of h.reads) reads.add(r);
    drops.push(...h.drops.map((x) => ({ ...x, helper })));
  }
  return { answers: [...answers], reads: [...reads], drops };
}

/** Loops of the package that send on an unexported channel field in a select case and stop (`Server.out`). */
export function sendingLoops(view: PackageView): Map<string, Serving[]> {
  const out = new Map<string, Serving[]>();
  for (const fn of view.functions) {
    for (const loop of fn.serves ?? []) {
      for (const s of loop.sends ?? []) {
        if (!/^[A-Za-z_]\w*\.[a-z_]\w*$/.test(s.target)) continue;
        const list = out.get(s.target) ?? [];
        if (!list.some((x) => x.loop === loop)) list.push({ fn, loop });
        out.set(s.target, list);
      }
    }
  }
  return out;
}

/**
 * `target` in a function may be the field `field` (`Reader.decoded`): it is, or it is that field
 * of a local or parameter whose type the summary does not give (`local:r.decoded`).
 */
export function maybeField(fn: FuncSummary, target: string, field: string): boolean {
  const typed = typedTarget(fn, target);
  if (typed !== undefined) return typed === field;
  return target.slice(target.lastIndexOf('.') + 1) === field.slice(field.lastIndexOf('.') + 1) && target.includes('.');
}

/** Every send on `target` in the package is a case of one of the loops (a send that may be on it counts against). */
export function onlySenders(view: PackageView, target: string, loops: readonly Serving[]): boolean {
  for (const fn of view.functions) {
    for (const op of fn.ops) {
      if (op.kind !== 'send' || !maybeField(fn, op.target, target)) continue;
      if (!loops.some((s) => s.fn === fn && (s.loop.sends ?? []).some((x) => x.target === target && x.line === op.line))) return false;
    }
  }
  return true;
}

/**
 * The loop's stop as an expression a method of the same type can wait on, spelled through `base`
 * (the caller's name for the value, `s` in `s.reqc`): `s.stop` for a stop channel field the
 * package closes and never sends on, `s.ctx.Done()` for a context field. Only a broadcast can be
 * waited on by a second goroutine: receiving from a channel such as `quit <- errc` would steal
 * the request meant for the loop. Undefined when the stop is not such a field.
 */
export function stopExpression(view: PackageView, s: Serving, base: string): string | undefined {
  const broadcast = (target: string) => {
    if (target.endsWith('.Done()')) return true;
    const ops = [...view.functions].flatMap((f) => f.ops.filter((o) => canonical(f, o.target) === target));
    return ops.some((o) => o.kind === 'close') && !ops.some((o) => o.kind === 'send');
  };
  const type = s.fn.receiverType;
  const expressible = (x: ServeLoop['stops'][number]) => !!type && !!x.target?.startsWith(`${type}.`) && broadcast(x.target);
  // Giving up on one stop while the loop can also leave on another (a context parameter of its
  // own, as in VictoriaMetrics' rule groups) would leave the sender blocked there: every stop
  // must be one the sender can wait on.
  if (!type || s.loop.stops.length === 0 || !s.loop.stops.every(expressible)) return undefined;
  if (new Set(s.loop.stops.map((x) => x.target)).size > 1) return undefined;
  const stop = s.loop.stops[0];
  return `${base}.${stop.target!.slice(type.length + 1)}`;
}
