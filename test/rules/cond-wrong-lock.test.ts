import { ruleTest } from '../harness';

ruleTest('cond-wrong-lock');
