// The guide's store, tested as its author would: through the package's own kit.
import { describeStoreConformance } from 'session-revocation/testing';
import { mapStore } from '../../examples/map-store/map-store.js';
import { vitestRunner } from '../runner.js';

describeStoreConformance('the guide\'s map store', () => mapStore(), { runner: vitestRunner });
