/**
 * Markdown rendered from rule metadata: the hover, the rule documentation page, and the README
 * rules table all come from here, so they cannot drift apart.
 */
import type { Finding, Rule } from '../findings/rule';

const SEVERITY_LABEL = { error: 'Error', warning: 'Warning', info: 'Info', hint: 'Hint' } as const;

/** The full documentation of a rule (the "Show Rule Documentation" page and README details). */
export function ruleMarkdown(rule: Rule, headingLevel = 1): string {
  const h = '#'.repeat(headingLevel);
  const parts = [
    `${h} ${rule.title}`,
    `\`${rule.id}\` · ${SEVERITY_LABEL[rule.severity]}${rule.severityInTests ? ` (${SEVERITY_LABEL[rule.severityInTests].toLowerCase()} in tests)` : ''} · ${rule.category}`,
    rule.docs.summary,
    ...(rule.overlaps?.length
      ? [
          `gopls reports the same problem with its ${rule.overlaps.map((a) => `\`${a}\``).join(' or ')} analyzer, on by default. ` +
            'In VS Code, when gopls already flags the line, only its squiggle is shown; this explanation stays in the hover.',
        ]
      : []),
    `${h}# Why it is a bug`,
    rule.docs.why,
    `${h}# What goes wrong`,
    numbered(rule.docs.interleaving),
    `${h}# Bad`,
    goBlock(rule.docs.bad),
    `${h}# Good`,
    goBlock(rule.docs.good),
  ];
  if (rule.docs.fixes) parts.push(`${h}# Quick fixes`, rule.docs.fixes);
  return parts.join('\n\n') + '\n';
}

/** The hover over a finding: what blocks and why for this code, then the rule's lesson. */
export function findingMarkdown(finding: Finding, rule: Rule): string {
  // The editor shows the message right above this (its own part of the hover): not repeated.
  const parts = [`**${rule.title}** · \`${rule.id}\``];
  parts.push('**What happens**', numbered(hoverSteps(finding.steps.length > 0 ? finding.steps : rule.docs.interleaving)));
  if (finding.fixes.length > 0) parts.push(`**Quick fix${finding.fixes.length > 1 ? 'es' : ''}:** ${finding.fixes.map((f) => f.title).join(' · ')}`);
  return parts.join('\n\n');
}

/** At most three steps for the hover: the last three, where the interleaving goes wrong (the setup comes first). */
function hoverSteps(steps: readonly string[]): string[] {
  return steps.slice(-3);
}

/** The README table of rules. */
export function rulesTable(rules: readonly Rule[]): string {
  const rows = rules.map((r) => {
    const fix = r.docs.fixes ? 'yes' : '';
    return `| [\`${r.id}\`](#${r.id}) | ${SEVERITY_LABEL[r.severity]} | ${escapeCell(r.docs.summary)} | ${fix} |`;
  });
  return ['| Rule | Default | What it reports | Quick fix |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The README section with every rule's documentation. */
export function rulesReference(rules: readonly Rule[]): string {
  return rules.map((r) => `<a id="${r.id}"></a>\n\n` + ruleMarkdown(r, 3)).join('\n');
}

function numbered(steps: readonly string[]): string {
  return steps.map((s, i) => `${i + 1}. ${s}`).join('\n');
}

function goBlock(code: string): string {
  return '```go\n' + code.replace(/\n+$/, '') + '\n```';
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
