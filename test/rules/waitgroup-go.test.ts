import { ruleTest } from '../harness';

ruleTest('waitgroup-go');
