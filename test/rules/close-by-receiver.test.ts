import { ruleTest } from '../harness';

ruleTest('close-by-receiver');
