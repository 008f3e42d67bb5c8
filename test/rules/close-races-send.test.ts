import { ruleTest } from '../harness';

ruleTest('close-races-send');
