import { ruleTest } from '../harness';

ruleTest('unanswered-request');
