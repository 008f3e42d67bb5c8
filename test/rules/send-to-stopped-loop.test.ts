import { ruleTest } from '../harness';

ruleTest('send-to-stopped-loop');
