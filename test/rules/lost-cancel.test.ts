import { ruleTest } from '../harness';

ruleTest('lost-cancel');
