// The guide's store, tested as its author would: through the package's own kit, in one line.
import { describeStoreConformance } from 'session-revocation/testing';
import { mapStore } from '../../examples/map-store/map-store.js';

describeStoreConformance("the guide's map store", () => mapStore());
