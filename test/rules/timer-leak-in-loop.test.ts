import { ruleTest } from '../harness';

ruleTest('timer-leak-in-loop');
