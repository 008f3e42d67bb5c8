import { ruleTest } from '../harness';

ruleTest('cond-wait-without-loop');
