import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';

describe('the kinds "sign out everywhere" covers by default', () => {
  it('are every kind but api, so an app kind not listed anywhere does not outlive a sign-out everywhere or a password reset', async () => {
    const sessions = createSessionManager({ kinds: { mobile: {} } });
    const liveAfter = async (revoke: () => Promise<unknown>): Promise<Record<string, boolean>> => {
      const made = {
        browser: await sessions.create({ userId: 'ada' }),
        remember: await sessions.create({ userId: 'ada', kind: 'remember' }),
        mobile: await sessions.create({ userId: 'ada', kind: 'mobile' }),
        api: await sessions.create({ userId: 'ada', kind: 'api' }),
      };
      await revoke();
      const live: Record<string, boolean> = {};
      for (const [kind, { token }] of Object.entries(made)) live[kind] = (await sessions.validate(token)).ok;
      return live;
    };
    expect(await liveAfter(() => sessions.revokeAll('ada'))).toEqual({ browser: false, remember: false, mobile: false, api: true });
    expect(await liveAfter(() => sessions.passwordReset('ada'))).toEqual({ browser: false, remember: false, mobile: false, api: true });
  });

  it('leave out an app kind the app leaves out by listing the others', async () => {
    const sessions = createSessionManager({ kinds: { kiosk: {} }, everywhereKinds: ['browser', 'remember'] });
    const kiosk = await sessions.create({ userId: 'ada', kind: 'kiosk' });
    const browser = await sessions.create({ userId: 'ada' });
    await sessions.revokeAll('ada');
    expect((await sessions.validate(browser.token)).ok).toBe(false);
    expect((await sessions.validate(kiosk.token)).ok).toBe(true);
  });
});
