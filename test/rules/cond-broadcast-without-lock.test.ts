import { ruleTest } from '../harness';

ruleTest('cond-broadcast-without-lock');
