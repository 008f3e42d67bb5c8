import { ruleTest } from '../harness';

ruleTest('mutex-copied');
