/**
 * Collects the young generation of the heap while the server has nothing to do (Node hosts).
 * A keystroke's review allocates a few megabytes; when a young-generation collection falls in
 * the middle of one, it copies everything the review still holds and pauses it for 3 to 16 ms
 * (the slowest tenth of the keystrokes on net/http/server.go, docs/benchmark.md). Collecting
 * after a review is published, before the next keystroke arrives, takes that pause off the path
 * from an edit to its findings. `gc` is exposed at run time, so `goconc lsp` needs no flag.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor' | 'major' }) => void;
let collect: Collect | null | undefined;

/** One young-generation collection; nothing when the runtime does not allow it. */
export function collectYoungGeneration(): void {
  if (collect === undefined) collect = exposedGc();
  collect?.({ type: 'minor' });
}

/**
 * `gc`: the global one when the process started with --expose-gc, as VS Code's server does
 * (editor/serverProcess.ts) so that its V8 flags stay those V8's code cache was made under
 * (codeCache.ts); else exposed now.
 */
function exposedGc(): Collect | null {
  try {
    const given: unknown = (globalThis as { gc?: unknown }).gc;
    if (typeof given === 'function') return given as Collect;
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as Collect) : null;
  } catch {
    return null;
  }
}

/**
 * The server's idle hook (ServerHost.idle): after pending messages, if still idle, do `more`, then
 * collect. `more` comes first: it writes the code cache, which V8 stamps with its flags, and the
 * first collection of a server started without --expose-gc (`goconc lsp`) changes them.
 */
export function collectWhenIdle(stillIdle: () => boolean, more?: () => void): void {
  setImmediate(() => {
    if (!stillIdle()) return;
    more?.();
    collectYoungGeneration();
  });
}
