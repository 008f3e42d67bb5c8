/**
 * When VS Code began loading the extension: the entry points import this module first. The
 * desktop loader (nodeLoader.ts) and the extension it loads are two bundles, each with a copy of
 * this module; the first to run sets the time for both.
 */
const SHARED = Symbol.for('goconc.loadedAt');
export const LOADED_AT: number = ((globalThis as { [SHARED]?: number })[SHARED] ??= Date.now());
