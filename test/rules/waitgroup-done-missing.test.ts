import { ruleTest } from '../harness';

ruleTest('waitgroup-done-missing');
