// Regenerates what comes from rule metadata: the README rules and settings tables, docs/rules.md,
// and the per-rule severity settings in package.json. `npm test` fails when these are stale.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const bundle = await esbuild.build({
  entryPoints: ['src/core/present/generated.ts'],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'error',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', bundle.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
const gen = mod.exports;

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
pkg.contributes.configuration.properties['goconc.severity'].properties = gen.severitySettingProperties();
writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');

let readme = readFileSync('README.md', 'utf8');
readme = gen.replaceSection(readme, 'rules', gen.readmeRulesTable());
readme = gen.replaceSection(readme, 'settings', gen.settingsTable(pkg.contributes.configuration.properties));
writeFileSync('README.md', readme);
writeFileSync('docs/rules.md', gen.rulesDoc());
console.log('README.md, docs/rules.md and package.json are up to date');
