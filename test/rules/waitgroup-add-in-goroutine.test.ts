import { ruleTest } from '../harness';

ruleTest('waitgroup-add-in-goroutine');
