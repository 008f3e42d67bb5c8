import { ruleTest } from '../harness';

ruleTest('keyed-lock-deadlock');
