/**
 * The rule registry. Every rule lives in its own file named by its id; adding a rule means
 * adding its import here (the docs, settings and tests pick it up from this list).
 */
import type { Rule } from '../findings/rule';
import { rule as closeBeforeWait } from './close-before-wait';
import { rule as closeByReceiver } from './close-by-receiver';
import { rule as closeRacesSend } from './close-races-send';
import { rule as condBroadcastWithoutLock } from './cond-broadcast-without-lock';
import { rule as condSignalMissing } from './cond-signal-missing';
import { rule as condWrongLock } from './cond-wrong-lock';
import { rule as condWaitWithoutLoop } from './cond-wait-without-loop';
import { rule as contextIgnored } from './context-ignored';
import { rule as contextPlacement } from './context-placement';
import { rule as doubleClose } from './double-close';
import { rule as doubleLock } from './double-lock';
import { rule as emptyCriticalSection } from './empty-critical-section';
import { rule as errgroupContextUnused } from './errgroup-context-unused';
import { rule as fatalInGoroutine } from './fatal-in-goroutine';
import { rule as goroutineReceiveLeak } from './goroutine-receive-leak';
import { rule as goroutineOutlivesTest } from './goroutine-outlives-test';
import { rule as goroutineSendLeak } from './goroutine-send-leak';
import { rule as ignoreDirective } from './ignore-directive';
import { rule as lockHeldWhileBlocking } from './lock-held-while-blocking';
import { rule as lockOrderInversion } from './lock-order-inversion';
import { rule as keyedLockDeadlock } from './keyed-lock-deadlock';
import { rule as loopVariableCapture } from './loop-variable-capture';
import { rule as loopWithoutCancel } from './loop-without-cancel';
import { rule as lostCancel } from './lost-cancel';
import { rule as mixedAtomicAccess } from './mixed-atomic-access';
import { rule as mutexCopied } from './mutex-copied';
import { rule as nilChannelOperation } from './nil-channel-operation';
import { rule as polledChannelSend } from './polled-channel-send';
import { rule as recursiveRlock } from './recursive-rlock';
import { rule as selectBusyLoop } from './select-busy-loop';
import { rule as requireInGoroutine } from './require-in-goroutine';
import { rule as sendAfterClose } from './send-after-close';
import { rule as sendToStoppedLoop } from './send-to-stopped-loop';
import { rule as receiveFromStoppedLoop } from './receive-from-stopped-loop';
import { rule as sendWithoutCancel } from './send-without-cancel';
import { rule as sleepIgnoresCancel } from './sleep-ignores-cancel';
import { rule as timerDrainDeadlock } from './timer-drain-deadlock';
import { rule as timerLeakInLoop } from './timer-leak-in-loop';
import { rule as unansweredRequest } from './unanswered-request';
import { rule as unlockMissing } from './unlock-missing';
import { rule as unsynchronizedWrite } from './unsynchronized-write';
import { rule as waitgroupAddInGoroutine } from './waitgroup-add-in-goroutine';
import { rule as waitgroupCopied } from './waitgroup-copied';
import { rule as waitgroupDoneMissing } from './waitgroup-done-missing';
import { rule as waitgroupGo } from './waitgroup-go';
import { rule as waitgroupWaitInsideWorker } from './waitgroup-wait-inside-worker';
import { rule as waitBeforeDrain } from './wait-before-drain';

/** In the order the README and the settings list them: leaks and cancellation, channels, WaitGroups, mutexes, tests and races. */
export const RULES: readonly Rule[] = [
  goroutineSendLeak,
  goroutineReceiveLeak,
  sendToStoppedLoop,
  polledChannelSend,
  receiveFromStoppedLoop,
  unansweredRequest,
  loopWithoutCancel,
  sendWithoutCancel,
  sleepIgnoresCancel,
  lostCancel,
  contextIgnored,
  contextPlacement,
  timerLeakInLoop,
  timerDrainDeadlock,
  closeBeforeWait,
  doubleClose,
  sendAfterClose,
  closeByReceiver,
  closeRacesSend,
  nilChannelOperation,
  selectBusyLoop,
  waitgroupAddInGoroutine,
  waitgroupDoneMissing,
  waitgroupWaitInsideWorker,
  waitBeforeDrain,
  waitgroupCopied,
  waitgroupGo,
  doubleLock,
  recursiveRlock,
  lockOrderInversion,
  lockHeldWhileBlocking,
  unlockMissing,
  mutexCopied,
  emptyCriticalSection,
  condSignalMissing,
  condWrongLock,
  condBroadcastWithoutLock,
  condWaitWithoutLoop,
  fatalInGoroutine,
  requireInGoroutine,
  goroutineOutlivesTest,
  keyedLockDeadlock,
  loopVariableCapture,
  unsynchronizedWrite,
  mixedAtomicAccess,
  errgroupContextUnused,
  ignoreDirective,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
