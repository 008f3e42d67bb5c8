import { ruleTest } from '../harness';

ruleTest('send-without-cancel');
