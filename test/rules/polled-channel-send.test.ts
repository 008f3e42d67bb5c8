import { ruleTest } from '../harness';

ruleTest('polled-channel-send');
