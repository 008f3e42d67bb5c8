import { ruleTest } from '../harness';

ruleTest('fatal-in-goroutine');
