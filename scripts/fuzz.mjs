// npm run fuzz -- --count 100000 --seed 1: bundles the fuzzer (test/fuzz/main.ts) and runs it.
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

mkdirSync('out', { recursive: true });
await esbuild.build({ entryPoints: ['test/fuzz/main.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: 'out/fuzz.js', logLevel: 'error', external: ['web-tree-sitter'] });
try {
  execFileSync(process.execPath, ['out/fuzz.js', ...process.argv.slice(2)], { stdio: 'inherit' });
} catch {
  process.exitCode = 1;
}
