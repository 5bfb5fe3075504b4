/**
 * Conformance suites for storage adapters and framework wrappers. Every store and wrapper shipped with this package passes them; run them on yours.
 *
 * @module session-revocation/testing
 */
export { describeStoreConformance } from './store/index.js';
export type { StoreConformanceOptions } from './store/index.js';
export type { StoreFault, StoreFaults } from './store/faults.js';
export type { Expectation, TestRunner } from './runner.js';
export { describeFrameworkConformance } from './framework/index.js';
export type { FrameworkApp, FrameworkAppContext, FrameworkConformanceOptions } from './framework/index.js';
