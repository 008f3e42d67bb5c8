import { ruleTest } from '../harness';

ruleTest('ignore-directive');
