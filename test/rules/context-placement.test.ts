import { ruleTest } from '../harness';

ruleTest('context-placement');
