import type { StoreOperations } from '../../storage/index.js';
import type { SessionStore } from '../../store.js';
import type { CompleteTestRunner } from '../runner.js';

/** What each concern of the store suite receives: the runner's functions, and the running test's store. */
export interface StoreSuiteContext extends CompleteTestRunner {
  /** The operations the manager runs over the running test's store (made fresh before each test). */
  readonly store: () => StoreOperations;
  /** The running test's store itself. */
  readonly raw: () => SessionStore;
  /** Per-test timeout for the heavier tests, in ms. */
  readonly slowTimeout: number;
  /** A second instance over the test's data, as a second app server has (without a `sibling` option, the same store through an object of its own); closed after the test. */
  readonly sibling: () => Promise<SessionStore>;
}
