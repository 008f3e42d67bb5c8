/** When VS Code began loading this bundle: the entry points import this module first. */
export const LOADED_AT = Date.now();
