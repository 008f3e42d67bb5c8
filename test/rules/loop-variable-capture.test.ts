import { ruleTest } from '../harness';

ruleTest('loop-variable-capture');
