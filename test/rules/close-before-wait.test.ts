import { ruleTest } from '../harness';

ruleTest('close-before-wait');
