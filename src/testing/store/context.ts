import type { SessionStore } from '../../store.js';
import type { CompleteTestRunner } from '../runner.js';

/** What each concern of the store suite receives. */
export interface StoreSuiteContext {
  readonly runner: CompleteTestRunner;
  /** The store of the running test, made fresh by `makeStore` before each test. */
  readonly store: () => SessionStore;
  /** Per-test timeout for the heavier tests, in ms. */
  readonly slowTimeout: number;
  /**
   * A second instance over the running test's data (its own client or connection, as a
   * second app server has), closed after the test; the same store when the suite was given
   * no `sibling`.
   */
  readonly sibling: () => Promise<SessionStore>;
}
