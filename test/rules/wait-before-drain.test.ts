import { ruleTest } from '../harness';

ruleTest('wait-before-drain');
