import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { MINUTE, UA } from '../support/clock.js';

describe('the session cap and idle sessions', () => {
  it.each(['refuse', 'evict-oldest'] as const)('%s: ends an idle session first, revoked as any session the cap ends; never refuses for one', async (onMaxSessions) => {
    let now = Date.now();
    const sessions = createSessionManager({ clock: () => now, maxSessions: { browser: 2 }, onMaxSessions, idleTimeout: 10 * MINUTE });
    const laptop = await sessions.create({ userId: 'u', userAgent: UA.chromeMac });
    now += 5 * MINUTE;
    const desktop = await sessions.create({ userId: 'u', userAgent: UA.firefoxWindows });
    // The laptop has been idle for a minute; the desktop is in use.
    now += 6 * MINUTE;
    const revoked: Array<[string, readonly string[] | undefined]> = [];
    sessions.on('session.revoked', (event) => void revoked.push([event.reason, event.sessionIds]));
    const phone = await sessions.create({ userId: 'u', userAgent: UA.safariIphone });
    expect(revoked).toEqual([['session_limit', [laptop.session.id]]]);
    expect(await sessions.validate(laptop.token)).toEqual({ ok: false, reason: 'revoked' });
    expect([(await sessions.validate(desktop.token)).ok, (await sessions.validate(phone.token)).ok]).toEqual([true, true]);
    expect((await sessions.list('u')).map((view) => view.id).sort()).toEqual([desktop.session.id, phone.session.id].sort());
  });
});
