import { expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';

// The row judged live at the start of signOut() is handed to revoke(); it must not outlive what happens while the
// (async) policy answers: a "sign out everywhere" from another device that ended this one meanwhile.
it('signOut of this device only, ended meanwhile by another device\'s "sign out everywhere", records no second end', async () => {
  let now = 1_800_000_000_000;
  let meanwhile: (() => Promise<unknown>) | undefined;
  const sessions = createSessionManager({
    clock: () => now,
    policy: {
      globalLogout: async () => {
        await meanwhile?.();
        return false;
      },
    },
  });
  const events: string[] = [];
  sessions.on('session.revoked', (event) => void events.push(`${event.type}:${event.reason}`));
  sessions.on('user.session_invalidated', (event) => void events.push(`${event.type}:${event.reason}`));
  const laptop = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
  await sessions.create({ userId: 'alice', userAgent: UA.firefoxWindows });
  now += 1000;
  meanwhile = () => sessions.revokeAll('alice');
  expect(await sessions.signOut(laptop.session)).toEqual({ global: false });
  expect(events).toEqual(['user.session_invalidated:sign_out_everywhere']);
  const activity = await sessions.activity('alice');
  expect(activity.filter((entry) => entry.type === 'session.revoked').map((entry) => entry.reason)).toEqual([]);
});
