import { ruleTest } from '../harness';

ruleTest('select-busy-loop');
