import { ruleTest } from '../harness';

ruleTest('lock-order-inversion');
