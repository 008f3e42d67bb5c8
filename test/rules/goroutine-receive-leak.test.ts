import { ruleTest } from '../harness';

ruleTest('goroutine-receive-leak');
