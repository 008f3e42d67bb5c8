// Builds the three bundles and copies the two WASM files next to them.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what the VSIX ships)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  target: 'es2022',
};

/** web-tree-sitter's ESM build probes for Node with dynamic imports it never reaches in a browser. */
const webTreeSitterNodeProbes = {
  name: 'web-tree-sitter-node-probes',
  setup(build) {
    build.onResolve({ filter: /^(fs\/promises|module|fs|path|url)$/ }, (args) => ({ path: args.path, external: true }));
  },
};

/** In the CommonJS bundles, web-tree-sitter's `import.meta.url` must name the bundle itself. */
const nodeImportMeta = {
  define: { 'import.meta.url': '__importMetaUrl' },
  banner: { js: 'const __importMetaUrl = require("url").pathToFileURL(__filename).href;' },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/editor/node.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    ...nodeImportMeta,
  },
  {
    ...common,
    entryPoints: ['src/editor/web.ts'],
    outfile: 'dist/web/extension.js',
    platform: 'browser',
    format: 'cjs',
    external: ['vscode'],
    mainFields: ['browser', 'module', 'main'],
    define: { 'import.meta.url': '"file:///dist/web/extension.js"' },
    plugins: [webTreeSitterNodeProbes],
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    ...nodeImportMeta,
    banner: { js: '#!/usr/bin/env node\n' + nodeImportMeta.banner.js },
  },
];

function copyWasm() {
  mkdirSync('dist', { recursive: true });
  copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
  copyFileSync(join(dirname(require.resolve('tree-sitter-go/package.json')), 'tree-sitter-go.wasm'), 'dist/tree-sitter-go.wasm');
}

copyWasm();
if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
  console.log('watching for changes...');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
