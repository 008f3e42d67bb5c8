// Bundles a TypeScript entry into one CommonJS file for Node, as the bench scripts load it:
// web-tree-sitter's `import.meta.url` names the bundle itself, so it finds its WASM beside
// node_modules above the bundle (see bench/harness.ts, findRoot).
import * as esbuild from 'esbuild';

export async function bundleForNode(entry, outfile) {
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    logLevel: 'warning',
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
  });
}
