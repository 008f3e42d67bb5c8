/** `goconc lsp`, recognised apart from the rest of the command line (cli/loader.ts reads it before loading the CLI). */

/** The arguments after `lsp` that it does not take (editors often add `--stdio`), or undefined for another command. */
export function lspExtraArguments(argv: readonly string[]): string[] | undefined {
  return argv[0] === 'lsp' ? argv.slice(1).filter((a) => a !== '--stdio') : undefined;
}
