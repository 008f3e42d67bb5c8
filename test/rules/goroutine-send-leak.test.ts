import { ruleTest } from '../harness';

ruleTest('goroutine-send-leak');
