/**
 * Which files and folders the go command reads as Go packages (`go help packages`): names that
 * begin with "." or "_" are left out, files and folders alike, so `_examples/` or `_old.go` are
 * not part of any build, vet or test run. The hosts leave them out the same way when they walk a
 * tree or gather a package; a file named explicitly (or opened in the editor) is still reviewed.
 */

/** True for a file name the go command builds as part of its folder's package. */
export function isPackageFileName(name: string): boolean {
  return name.endsWith('.go') && !isHiddenFromGo(name);
}

/** True for a file or folder name the go command ignores when it expands `./...`. */
export function isHiddenFromGo(name: string): boolean {
  return name.startsWith('.') || name.startsWith('_');
}
