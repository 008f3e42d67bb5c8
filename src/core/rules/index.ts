/**
 * The rule registry. Every rule lives in its own file named by its id; adding a rule means
 * adding its import here (the docs, settings and tests pick it up from this list).
 */
import type { Rule } from '../rule';
import { rule as closeBeforeWait } from './close-before-wait';
import { rule as contextIgnored } from './context-ignored';
import { rule as contextPlacement } from './context-placement';
import { rule as errgroupContextUnused } from './errgroup-context-unused';
import { rule as fatalInGoroutine } from './fatal-in-goroutine';
import { rule as goroutineReceiveLeak } from './goroutine-receive-leak';
import { rule as goroutineSendLeak } from './goroutine-send-leak';
import { rule as ignoreDirective } from './ignore-directive';
import { rule as loopVariableCapture } from './loop-variable-capture';
import { rule as lostCancel } from './lost-cancel';
import { rule as loopWithoutCancel } from './loop-without-cancel';
import { rule as sendWithoutCancel } from './send-without-cancel';
import { rule as sleepIgnoresCancel } from './sleep-ignores-cancel';
import { rule as timerLeakInLoop } from './timer-leak-in-loop';
import { rule as unsynchronizedWrite } from './unsynchronized-write';
import { rule as waitgroupAddInGoroutine } from './waitgroup-add-in-goroutine';

export const RULES: readonly Rule[] = [
  closeBeforeWait,
  contextIgnored,
  contextPlacement,
  errgroupContextUnused,
  fatalInGoroutine,
  goroutineReceiveLeak,
  goroutineSendLeak,
  ignoreDirective,
  loopVariableCapture,
  lostCancel,
  loopWithoutCancel,
  sendWithoutCancel,
  sleepIgnoresCancel,
  timerLeakInLoop,
  unsynchronizedWrite,
  waitgroupAddInGoroutine,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
