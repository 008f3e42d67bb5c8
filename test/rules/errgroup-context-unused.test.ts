import { ruleTest } from '../harness';

ruleTest('errgroup-context-unused');
