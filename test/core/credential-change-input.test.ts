import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { UA } from '../support/clock.js';

// passwordChanged() and emailChanged() write their `by` and `tenantId` into the account activity and
// the events, as revokeAll() does: the same values are refused, before anything is read or written.
describe('a credential change checks its actor and tenant as every sign-out does', () => {
  const bad: Record<string, Record<string, unknown>> = {
    'a number as by': { by: 42 },
    'an empty by': { by: '' },
    'a by with U+0000': { by: 'admin\u0000' },
    'a by of 70,000 characters': { by: 'x'.repeat(70_000) },
    'a number as tenantId': { tenantId: 7 },
  };
  for (const [label, options] of Object.entries(bad)) {
    for (const change of ['passwordChanged', 'emailChanged'] as const) {
      it(`${change} refuses ${label} with INVALID_INPUT, and no device is signed out`, async () => {
        const sessions = createSessionManager({ store: memoryStore() });
        const phone = await sessions.create({ userId: 'alice', userAgent: UA.safariIphone });
        const laptop = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
        await expect(sessions.revokeAll('alice', options as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        const before = await sessions.activity('alice');
        await expect(sessions[change]('alice', { currentSessionId: laptop.session.id, ...options } as never)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
        expect(await sessions.activity('alice')).toEqual(before);
        expect((await sessions.validate(phone.token)).ok).toBe(true);
      });
    }
  }
});
