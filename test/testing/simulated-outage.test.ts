import { describe, expect, it } from 'vitest';
import { isSessionError } from '../../src/errors.js';
import { memoryStore } from '../../src/stores/memory.js';
import { switchableStore } from '../../src/testing/framework/failing-store.js';

// The framework suite's outage must throw what a real store throws: a SessionError STORE_UNAVAILABLE whose `cause` is the driver's
// error. A framework that re-wraps thrown errors keeping only their `cause` (h3 v1's createError) loses the SessionError of a real
// outage; a simulated one without a cause hid that, so a wrapper passed the suite and answered a real outage with a 500.
describe("the framework suite's simulated store outage", () => {
  for (const flag of ['failing', 'failingCreate'] as const) {
    it(`(${flag}) rejects as a real store does: STORE_UNAVAILABLE with the driver's socket error as cause`, async () => {
      const store = switchableStore(memoryStore());
      store[flag] = true;
      const failure = await store.apply({ writes: [{ type: 'insert' }] } as never).then(() => undefined, (error: unknown) => error);
      expect(isSessionError(failure) && failure.code).toBe('STORE_UNAVAILABLE');
      const cause = (failure as Error).cause;
      expect(cause).toBeInstanceOf(Error);
      expect((cause as { code?: unknown }).code).toBe('ECONNREFUSED');
    });
  }
});
