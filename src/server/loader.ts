/**
 * dist/server.js, the desktop language server's entry: it loads the server itself
 * (dist/server-main.js, built from server/node.ts) through V8's code cache (see codeCache.ts).
 * `GOCONC_CODE_CACHE=0` loads it without.
 */
import { join } from 'node:path';
import { codeCacheDirectory, runWithCodeCache } from './codeCache';

runWithCodeCache(join(__dirname, 'server-main.js'), {
  name: 'server',
  directory: codeCacheDirectory(),
});
