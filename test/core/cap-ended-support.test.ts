import { expect, it } from 'vitest';
import { createSessionManager, isSessionError } from '../../src/index.js';
import { UA } from '../support/clock.js';

it.each(['refuse', 'evict-oldest'] as const)('maxSessions (%s) neither counts nor evicts a support session that ended with its admin session', async (onMaxSessions) => {
  let now = 1_800_000_000_000;
  const sessions = createSessionManager({ clock: () => now, maxSessions: 1, onMaxSessions });
  const evicted: string[] = [];
  sessions.on('session.revoked', (event) => void (event.reason === 'session_limit' && evicted.push(...(event.sessionIds ?? []))));
  const admin1 = await sessions.create({ userId: 'admin', userAgent: UA.chromeMac });
  await sessions.impersonate(admin1.session, 'user', { userAgent: UA.chromeMac });
  now += 1000;
  // The admin signs out: the support session ends with it, and its row says nothing of it.
  await sessions.signOut(admin1.session);
  expect(await sessions.list('user', { kinds: ['impersonation'] })).toEqual([]);
  now += 1000;
  const admin2 = await sessions.create({ userId: 'admin', userAgent: UA.chromeMac });
  const outcome = await sessions.impersonate(admin2.session, 'user', { userAgent: UA.chromeMac }).then(
    () => 'started',
    (error: unknown) => (isSessionError(error) ? `${error.code}: ${error.message}` : String(error)),
  );
  // Before: "SESSION_LIMIT: This user already has 0 live impersonation sessions", or the ended row "evicted" with an event.
  expect(outcome).toBe('started');
  expect(evicted).toEqual([]);
  expect(await sessions.list('user', { kinds: ['impersonation'] })).toHaveLength(1);
});
