/**
 * The environment of a language server's process: VS Code's fork of the desktop server
 * (editor/serverProcess.ts) and `goconc lsp`'s relaunch with V8's pool (relaunch.ts).
 *
 * It is the parent's without NODE_EXTRA_CA_CERTS. Node reads and parses that certificate bundle
 * as it starts, before any of the server's code runs: 40 to 45 ms of a 45 ms start on this
 * project's machine, whose environment names the system's bundle (corporate machines often do
 * too). The server opens no connection (test/unit/robustness.test.ts), so it has no use for it.
 */
export function serverEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.NODE_EXTRA_CA_CERTS;
  return copy;
}
