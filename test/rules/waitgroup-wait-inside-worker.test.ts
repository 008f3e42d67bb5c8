import { ruleTest } from '../harness';

ruleTest('waitgroup-wait-inside-worker');
