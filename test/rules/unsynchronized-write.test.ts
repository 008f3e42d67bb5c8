import { ruleTest } from '../harness';

ruleTest('unsynchronized-write');
