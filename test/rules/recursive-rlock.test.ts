import { ruleTest } from '../harness';

ruleTest('recursive-rlock');
