import { ruleTest } from '../harness';

ruleTest('cond-signal-missing');
