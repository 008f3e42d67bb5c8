import type { Rule } from '../findings/rule';
import { suppressions } from '../findings/suppress';
// A cycle (the registry imports this rule), read only inside check(), after both modules loaded.
import { RULES_BY_ID } from '.';

export const rule: Rule = {
  id: 'ignore-directive',
  title: 'Malformed or unused //goconc:ignore comment',
  // Information, not a hint: a suppression without a reason must show in the Problems panel.
  severity: 'info',
  category: 'meta',
  docs: {
    summary: 'A `//goconc:ignore` comment without a reason, naming an unknown rule, or silencing nothing.',
    why:
      'A suppression is a promise that someone looked at a finding and decided the code is right. Without a reason, the next ' +
      'reader cannot check that decision; a suppression that names a rule that does not exist, or that silences nothing ' +
      'any more because the code changed, hides nothing today but will hide a real finding tomorrow.',
    interleaving: [
      'Someone silences a finding with `//goconc:ignore goroutine-send-leak` and no reason.',
      'The code around it is later rewritten and a real leak appears on the same line.',
      'The stale comment silences the new finding, and nobody remembers why it was there.',
    ],
    bad: `func fetch(ctx context.Context) {
	//goconc:ignore goroutine-send-leak
	go produce(results)
}`,
    good: `func fetch(ctx context.Context) {
	//goconc:ignore goroutine-send-leak results is drained by Close before the process exits
	go produce(results)
}`,
  },
  check(ctx) {
    if (!ctx.file.text.includes('goconc:ignore')) return;
    for (const s of suppressions(ctx.file)) {
      const unknown = s.ruleIds.filter((id) => !RULES_BY_ID.has(id));
      if (s.ruleIds.length === 0) {
        ctx.report({ node: s.comment, message: '`//goconc:ignore` needs a rule id and a reason: `//goconc:ignore <rule-id> <why the code is right>`' });
      } else if (unknown.length > 0) {
        ctx.report({ node: s.comment, message: `\`//goconc:ignore\` names an unknown rule \`${unknown.join(', ')}\`` });
      } else if (!s.reason) {
        ctx.report({ node: s.comment, message: `\`//goconc:ignore ${s.ruleIds.join(',')}\` has no reason: say why the code is right` });
      }
    }
  },
};
