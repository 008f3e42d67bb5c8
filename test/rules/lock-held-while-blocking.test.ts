import { ruleTest } from '../harness';

ruleTest('lock-held-while-blocking');
