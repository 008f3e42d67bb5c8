import { ruleTest } from '../harness';

ruleTest('sleep-ignores-cancel');
