import { ruleTest } from '../harness';

ruleTest('timer-drain-deadlock');
