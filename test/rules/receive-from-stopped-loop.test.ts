import { ruleTest } from '../harness';

ruleTest('receive-from-stopped-loop');
