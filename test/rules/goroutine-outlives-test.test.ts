import { ruleTest } from '../harness';

ruleTest('goroutine-outlives-test');
