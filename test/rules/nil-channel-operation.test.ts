import { ruleTest } from '../harness';

ruleTest('nil-channel-operation');
