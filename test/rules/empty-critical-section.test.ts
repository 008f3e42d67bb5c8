import { ruleTest } from '../harness';

ruleTest('empty-critical-section');
