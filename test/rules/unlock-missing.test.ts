import { ruleTest } from '../harness';

ruleTest('unlock-missing');
