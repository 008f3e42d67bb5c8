/**
 * Facts about the `time` package's timers that depend on the Go version. Go 1.23 changed two
 * things (for modules whose go.mod says `go 1.23` or later): timers and tickers that nothing
 * references any more are garbage collected even when they were never stopped, and `Stop` /
 * `Reset` never leave a stale value in the channel.
 */

/** `1.22`, `1.22.3`, `go1.21rc1` -> [1, 22]; undefined when it does not look like a Go version. */
export function parseGoVersion(version: string | undefined): [number, number] | undefined {
  const m = version ? /^(?:go)?(\d+)\.(\d+)/.exec(version.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * True when the runtime collects unreferenced, unstopped timers (Go 1.23+), false before 1.23,
 * undefined when the version is unknown.
 */
export function timersCollected(version: string | undefined): boolean | undefined {
  const v = parseGoVersion(version);
  if (!v) return undefined;
  return v[0] > 1 || v[1] >= 23;
}

/** How messages qualify a pre-1.23 behaviour: "on Go 1.21", "before Go 1.23 (the module's Go version is unknown)". */
export function oldRuntimeNote(version: string | undefined): string {
  const v = parseGoVersion(version);
  return v ? `on Go ${v[0]}.${v[1]}` : "before Go 1.23 (the module's Go version is unknown)";
}
