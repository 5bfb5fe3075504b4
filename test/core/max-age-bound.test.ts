import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { MAX_SESSION_AGE } from '../../src/kind-options.js';
import { sharedStores } from '../support/shared-stores.js';

const stores = await sharedStores('maxage');
const run = Math.random().toString(36).slice(2, 8);

describe('maxAge is at most 100 years, checked at startup', () => {
  it('a longer one, for the manager or a kind, is INVALID_CONFIGURATION naming it, not a failure at the first sign-in', () => {
    expect(MAX_SESSION_AGE).toBe(100 * 365 * 86_400_000);
    expect(() => createSessionManager({ maxAge: Number.MAX_SAFE_INTEGER })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('maxAge (ms) must be a whole number from 1 to 3153600000000') }));
    expect(() => createSessionManager({ maxAge: MAX_SESSION_AGE + 1 })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION' }));
    expect(() => createSessionManager({ kinds: { remember: { maxAge: MAX_SESSION_AGE + 1 } } })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIGURATION', message: expect.stringContaining('kinds.remember.maxAge') }));
  });
});

for (const { name, up, open } of stores) {
  describe.skipIf(!up)(`${name}: the longest maxAge`, () => {
    it('signs in and validates on every store', async () => {
      const sessions = createSessionManager({ store: await open(), maxAge: MAX_SESSION_AGE });
      const { token, session } = await sessions.create({ userId: `long-${run}` });
      expect(session.expiresAt - session.createdAt).toBe(MAX_SESSION_AGE);
      expect(await sessions.validate(token)).toMatchObject({ ok: true, session: { expiresAt: session.expiresAt } });
    });
  });
}
