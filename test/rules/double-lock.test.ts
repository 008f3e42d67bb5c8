import { ruleTest } from '../harness';

ruleTest('double-lock');
