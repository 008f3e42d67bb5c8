/**
 * The rule registry. Every rule lives in its own file named by its id; adding a rule means
 * adding its import here (the docs, settings and tests pick it up from this list).
 */
import type { Rule } from '../rule';
import { rule as closeBeforeWait } from './close-before-wait';
import { rule as goroutineReceiveLeak } from './goroutine-receive-leak';
import { rule as goroutineSendLeak } from './goroutine-send-leak';
import { rule as ignoreDirective } from './ignore-directive';
import { rule as loopWithoutCancel } from './loop-without-cancel';
import { rule as sendWithoutCancel } from './send-without-cancel';
import { rule as sleepIgnoresCancel } from './sleep-ignores-cancel';
import { rule as waitgroupAddInGoroutine } from './waitgroup-add-in-goroutine';

export const RULES: readonly Rule[] = [
  closeBeforeWait,
  goroutineReceiveLeak,
  goroutineSendLeak,
  ignoreDirective,
  loopWithoutCancel,
  sendWithoutCancel,
  sleepIgnoresCancel,
  waitgroupAddInGoroutine,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
