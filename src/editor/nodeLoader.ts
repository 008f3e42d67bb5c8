/**
 * dist/extension.js, the desktop extension's entry: it forks the language server's process first
 * thing, then loads the extension itself (dist/extension-main.js, built from node.ts), which takes
 * the process over (serverProcess.ts). VS Code compiles an entry before it runs any of it: this
 * one is a few kilobytes, so the fork no longer waits for the 860 KB of the extension and its
 * language client to compile (about 25 ms on an idle machine, more while VS Code starts). The
 * extension is compiled with V8's code cache, as the server is (server/codeCache.ts); node.ts
 * writes it once the first findings have come. `GOCONC_CODE_CACHE=0` loads it without.
 */
import { LOADED_AT } from './loaded';
import { join } from 'node:path';
import { codeCacheDirectory, runWithCodeCache } from '../server/codeCache';
import { startEarly } from './serverProcess';

void LOADED_AT; // when VS Code began loading the extension, for the client's first-review line
startEarly();
module.exports = runWithCodeCache(join(__dirname, 'extension-main.js'), {
  name: 'extension',
  directory: codeCacheDirectory(),
});
