import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, SessionError } from '../../src/index.js';
import { overriding } from '../support/overriding.js';

const codeOf = async (promise: Promise<unknown>): Promise<string> => promise.then(() => 'ok', (error: unknown) => (isSessionError(error) ? error.code : String(error)));

describe('impersonate() checks its options before it reads anything', () => {
  it("refuses a tenant given as null or empty, rather than starting support access in the admin's tenant", async () => {
    const sessions = createSessionManager();
    const admin = await sessions.create({ userId: 'root', tenantId: 'staff' });
    for (const tenantId of [null, '', 42]) expect(await codeOf(sessions.impersonate(admin.session, 'ada', { tenantId: tenantId as never }))).toBe('INVALID_INPUT');
    // Nothing was started for the user, in any tenant.
    expect(await sessions.list('ada')).toEqual([]);
    // create() refuses the same null tenant.
    expect(await codeOf(sessions.create({ userId: 'ada', tenantId: null as never }))).toBe('INVALID_INPUT');
  });

  it('answers a bad ttl or tenant as bad input while the store is down, not as an outage to retry', async () => {
    const inner = memoryStore();
    let down = false;
    const store = overriding(inner, { get: async (sessionId) => (down ? Promise.reject(new SessionError('STORE_UNAVAILABLE', 'down')) : inner.get(sessionId)) });
    const sessions = createSessionManager({ store });
    const admin = await sessions.create({ userId: 'root' });
    down = true;
    expect(await codeOf(sessions.impersonate(admin.session, 'ada', { ttl: 999 }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.impersonate(admin.session, 'ada', { tenantId: null as never }))).toBe('INVALID_INPUT');
    expect(await codeOf(sessions.impersonate(admin.session, 'ada'))).toBe('STORE_UNAVAILABLE');
  });
});
