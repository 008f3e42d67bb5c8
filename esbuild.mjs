// Builds the bundles (extension and language server for the desktop and the web, the desktop extension's and server's loaders, the CLI) and copies the two WASM files next to them.
//   node esbuild.mjs               development build (sourcemaps)
//   node esbuild.mjs --production  minified, no sourcemaps (what the VSIX ships)
//   node esbuild.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
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

/**
 * The Node language servers (goconc lsp, dist/server.js) speak over stdio or the IPC channel only. The protocol libraries' shared code
 * imports `vscode-jsonrpc` and `vscode-languageserver-protocol`, whose Node entries also load
 * socket and pipe transports (`net`): point them at the libraries' transport-free common APIs,
 * which is all that code uses.
 */
const jsonrpcCommon = {
  name: 'vscode-jsonrpc-common',
  setup(build) {
    build.onResolve({ filter: /^vscode-jsonrpc$/ }, () => ({ path: require.resolve('vscode-jsonrpc/lib/common/api.js') }));
    build.onResolve({ filter: /^vscode-languageserver-protocol\/?$/ }, () => ({ path: require.resolve('vscode-languageserver-protocol/lib/common/api.js') }));
  },
};

/**
 * In the Node bundles, web-tree-sitter's two dynamic imports of Node's own modules (`module` to
 * make a `require`, `fs/promises` to read a grammar given as a path) become the bundle's static
 * ones: a dynamic import needs a module loader for its script, which a script compiled with V8's
 * code cache does not get (src/server/codeCache.ts). Its `var require` shadows the bundle's
 * inside the function that asks for `module`, so that one is taken from `staticImportsBanner`,
 * which the bundles using this plugin add to theirs.
 */
const staticImportsBanner = 'const __nodeModule = require("module");';
const webTreeSitterStaticImports = {
  name: 'web-tree-sitter-static-imports',
  setup(build) {
    build.onLoad({ filter: /web-tree-sitter[\\/]web-tree-sitter\.c?js$/ }, (args) => {
      const replacements = [
        ['await import("module")', '__nodeModule'],
        ['await import("fs/promises")', 'require("fs/promises")'],
      ];
      let contents = readFileSync(args.path, 'utf8');
      for (const [from, to] of replacements) {
        const parts = contents.split(from);
        if (parts.length !== 2) throw new Error(`${args.path}: expected one ${from}, found ${parts.length - 1}: web-tree-sitter changed, update esbuild.mjs`);
        contents = parts.join(to);
      }
      if (/\bimport\(/.test(contents)) throw new Error(`${args.path}: a dynamic import is left`);
      return { contents, loader: 'js' };
    });
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
    entryPoints: ['src/editor/nodeLoader.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
  },
  {
    ...common,
    entryPoints: ['src/editor/node.ts'],
    outfile: 'dist/extension-main.js',
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
    entryPoints: ['src/server/loader.ts'],
    outfile: 'dist/server.js',
    platform: 'node',
    format: 'cjs',
  },
  {
    ...common,
    entryPoints: ['src/server/node.ts'],
    outfile: 'dist/server-main.js',
    platform: 'node',
    format: 'cjs',
    plugins: [jsonrpcCommon, webTreeSitterStaticImports],
    ...nodeImportMeta,
    banner: { js: `${nodeImportMeta.banner.js} ${staticImportsBanner}` },
    define: { ...nodeImportMeta.define, GOCONC_VERSION: JSON.stringify(version) },
  },
  {
    ...common,
    entryPoints: ['src/server/browser.ts'],
    outfile: 'dist/web/server.js',
    platform: 'browser',
    format: 'iife',
    mainFields: ['browser', 'module', 'main'],
    define: { 'import.meta.url': '"file:///dist/web/server.js"', GOCONC_VERSION: JSON.stringify(version) },
    plugins: [webTreeSitterNodeProbes],
  },
  {
    ...common,
    entryPoints: ['src/cli/loader.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli-main.js',
    platform: 'node',
    format: 'cjs',
    plugins: [jsonrpcCommon, webTreeSitterStaticImports],
    ...nodeImportMeta,
    banner: { js: `${nodeImportMeta.banner.js} ${staticImportsBanner}` },
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
