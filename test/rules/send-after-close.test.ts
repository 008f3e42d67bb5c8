import { ruleTest } from '../harness';

ruleTest('send-after-close');
