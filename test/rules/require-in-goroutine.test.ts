import { ruleTest } from '../harness';

ruleTest('require-in-goroutine');
