import { SessionError } from '../../errors.js';
import { storeOperations, type StoreOperations } from '../../storage/index.js';
import type { SessionStore } from '../../store.js';
import { resolveRunner, type TestRunner } from '../runner.js';
import type { StoreSuiteContext } from './context.js';
import { describeAccountActivity } from './account-activity.js';
import { describeActivity } from './activity.js';
import { describeContract } from './contract.js';
import { describeFaults, type StoreFaults } from './faults.js';
import { apart } from './fixtures.js';
import { describeDeviceReplacement } from './devices.js';
import { describeEpochs } from './epochs.js';
import { describeFederated } from './federated.js';
import { describeSessionLimit } from './session-limit.js';
import { describeLifecycle } from './lifecycle.js';
import { describeListOrder } from './list-order.js';
import { describeManagerOverStore } from './manager.js';
import { describeManagerRaces } from './manager-races.js';
import { describeNotices } from './notices.js';
import { describePrivacy } from './privacy.js';
import { describePruning } from './pruning.js';
import { describeRaces } from './races.js';
import { describeRotation } from './rotation.js';
import { describeSupportAccess } from './support-access.js';
import { describeTenants } from './tenants.js';
import { describeTextKeys } from './text-keys.js';

/** Options of {@link describeStoreConformance}. */
export interface StoreConformanceOptions {
  /** The runner to register tests with (`{ describe, it, expect }`, and its hooks); defaults to its globals, else the project's vitest. */
  readonly runner?: TestRunner;
  /** Timeout in ms for the heavy tests (10,000 sessions of one user, races). @default 60_000 */
  readonly slowTimeout?: number;
  /**
   * Opens a second instance of the store over the same data (another connection, the same prefix, schema or file), for two app servers acting at
   * once; closed after the test. Without it, those cases use the one store through a second object (whose operations would not race).
   */
  readonly sibling?: (store: SessionStore) => SessionStore | Promise<SessionStore>;
  /**
   * The fault hook, wired to the store's driver (a refused connection, a server that never
   * answers, a batch failing half way): an outage must be `STORE_UNAVAILABLE`, no batch half applied.
   */
  readonly faults?: StoreFaults;
}

/**
 * Registers the store conformance suite: every behaviour `src/store.ts` promises, split by concern
 * (rows, epochs, devices, the session cap, tenants, activity and revocation links, federated
 * sign-out, privacy, pruning, rotation, races on the store and between two managers). Every
 * store shipped with this package runs it; run it on yours with one line.
 *
 * `makeStore` is called before each test and must return an empty store (a fresh key prefix,
 * schema or file); the suite calls `close()` after each test when the store has one.
 *
 * @param name - Shown in the test report.
 * @param makeStore - Returns a new, empty store.
 * @param options - The runner and timeouts.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` when no runner is given, none is
 * global and vitest is not installed.
 *
 * @example
 * ```ts
 * // A vitest test file; with another runner, pass { runner: { describe, it, expect } }.
 * import { describeStoreConformance } from 'session-revocation/testing';
 * import { myStore } from '../src/my-store.js';
 *
 * describeStoreConformance('my-store', () => myStore({ prefix: crypto.randomUUID() }));
 * ```
 */
export function describeStoreConformance(name: string, makeStore: () => SessionStore | Promise<SessionStore>, options: StoreConformanceOptions = {}): void {
  const runner = resolveRunner(options.runner);
  let current: SessionStore | undefined;
  const siblings: SessionStore[] = [];
  let operations: StoreOperations | undefined;
  const raw = (): SessionStore => {
    if (current === undefined) throw new SessionError('INVALID_CONFIGURATION', 'The store is only available inside a test.');
    return current;
  };
  const context: StoreSuiteContext = {
    ...runner,
    slowTimeout: options.slowTimeout ?? 60_000,
    store: () => (operations ??= storeOperations(raw())),
    raw,
    sibling: async () => {
      if (options.sibling === undefined) return apart(raw());
      const opened = await options.sibling(raw());
      siblings.push(opened);
      return opened;
    },
  };
  runner.describe(`store conformance: ${name}`, () => {
    runner.beforeEach(async () => {
      current = await makeStore();
      operations = undefined;
    });
    runner.afterEach(async () => {
      const closing = current;
      current = undefined;
      for (const opened of siblings.splice(0)) await opened.close();
      await closing?.close();
    });
    describeContract(context);
    describeFaults(context, options.faults);
    const concerns = [
      describeLifecycle, describeEpochs, describeDeviceReplacement, describeSessionLimit, describeTenants,
      describeSupportAccess, describeNotices, describeActivity, describeAccountActivity, describePrivacy, describeFederated, describePruning,
      describeRaces, describeManagerRaces, describeManagerOverStore, describeRotation, describeListOrder, describeTextKeys,
    ];
    for (const concern of concerns) concern(context);
  });
}
