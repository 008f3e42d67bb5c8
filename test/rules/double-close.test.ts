import { ruleTest } from '../harness';

ruleTest('double-close');
