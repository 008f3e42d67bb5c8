import { ruleTest } from '../harness';

ruleTest('loop-without-cancel');
