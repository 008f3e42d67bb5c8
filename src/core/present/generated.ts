/**
 * Text generated from rule metadata: the README's rules table, docs/rules.md, and the
 * per-rule severity settings in package.json. `npm run docs` writes them; a test fails when
 * the committed files differ from what this produces.
 */
import { rulesReference, rulesTable } from './docs';
import type { Rule } from '../findings/rule';
import { RULES } from '../rules';

const SEVERITY_SETTING = { error: 'error', warning: 'warning', info: 'information', hint: 'hint' } as const;

export function readmeRulesTable(rules: readonly Rule[] = RULES): string {
  return rulesTable(rules).replace(/\]\(#/g, '](docs/rules.md#');
}

export function rulesDoc(rules: readonly Rule[] = RULES): string {
  return (
    '# Rules\n\nGenerated from the rule metadata in `src/core/rules/` by `npm run docs`; do not edit.\n\n' +
    rulesTable(rules) +
    '\n\n' +
    rulesReference(rules)
  );
}

/** The `goconc.severity` setting's per-rule properties. */
export function severitySettingProperties(rules: readonly Rule[] = RULES): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const r of rules) {
    out[r.id] = {
      type: 'string',
      enum: ['off', 'hint', 'information', 'warning', 'error'],
      default: SEVERITY_SETTING[r.severity],
      markdownDescription: r.docs.summary,
    };
  }
  return out;
}

interface SettingSchema {
  type?: string;
  default?: unknown;
  description?: string;
  markdownDescription?: string;
  enum?: string[];
}

/** The README's settings table, from package.json's configuration contribution. */
export function settingsTable(properties: Record<string, SettingSchema>): string {
  const rows = Object.entries(properties).map(([key, p]) => {
    const values = p.enum ? p.enum.map((v) => `\`${v}\``).join(', ') : p.type ?? '';
    const description = (p.markdownDescription ?? p.description ?? '').replace(/\|/g, '\\|');
    return `| \`${key}\` | ${values} | \`${JSON.stringify(p.default)}\` | ${description} |`;
  });
  return ['| Setting | Values | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`. */
export function replaceSection(text: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`missing ${start} ... ${end}`);
  return text.slice(0, i + start.length) + '\n' + body + '\n' + text.slice(j);
}
