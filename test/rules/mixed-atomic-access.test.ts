import { ruleTest } from '../harness';

ruleTest('mixed-atomic-access');
