import { ruleTest } from '../harness';

ruleTest('waitgroup-copied');
