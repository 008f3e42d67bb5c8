import { ruleTest } from '../harness';

ruleTest('context-ignored');
