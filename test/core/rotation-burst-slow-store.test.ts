import { setTimeout as delay } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore } from '../../src/index.js';
import { intercepted } from '../../src/testing/store/fixtures.js';

const ROTATION = { rotateAfter: 10 * 60_000, rotationGrace: 60_000 };
const T0 = 1_800_000_000_000;
const BURST = 20;
const LATENCY = 150;

// A page's fetches at once with the due cookie, on one server whose store answers every call 150 ms late: well within its 1 s deadline.
it(`${BURST} requests at once with a due cookie on a slow store all get the new cookie, none a 503`, async () => {
  let now = T0;
  const store = intercepted(memoryStore(), async (_method, call) => {
    await delay(LATENCY);
    return call();
  });
  const sessions = createSessionManager({ store, storeTimeout: 1_000, clock: () => now, kinds: { remember: ROTATION } });
  const { token } = await sessions.create({ userId: 'ada', kind: 'remember' });
  now += ROTATION.rotateAfter;
  const results = await Promise.all(Array.from({ length: BURST }, () => sessions.validate(token).then((result) => (result.ok ? result.rotatedToken : result.reason), (error: unknown) => (isSessionError(error) ? error.code : String(error)))));
  expect(new Set(results).size).toBe(1);
  expect(results[0]).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
});
