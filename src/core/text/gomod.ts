/** What the hosts read from a go.mod: the Go version the rules assume and the module's path. */

/** The `go` directive of a go.mod text: `go 1.22.3` -> "1.22". */
export function goDirective(goMod: string): string | undefined {
  return /^go\s+(\d+\.\d+)/m.exec(goMod)?.[1];
}

/** The `module` line of a go.mod text: `module example.com/m` -> "example.com/m" ('' without one). */
export function modulePath(goMod: string): string {
  return /^module\s+"?([^\s"]+)"?/m.exec(goMod)?.[1] ?? '';
}

/** A package's import path from its module's path and its '/'-separated folder in the module. */
export function joinImportPath(module: string, folder: string): string {
  return [module, folder.replace(/^\/+|\/+$/g, '')].filter((p) => p && p !== '.').join('/');
}
