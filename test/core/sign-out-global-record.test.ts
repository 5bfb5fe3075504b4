import { expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';

// Every device goes first under the global-logout policy: this device's own sign-out is still recorded after that epoch.
it("signOut under the global-logout policy records this device's sign-out, as an event and in the activity", async () => {
  let now = 1_800_000_000_000;
  const sessions = createSessionManager({ clock: () => now, policy: { globalLogout: () => true } });
  const events: string[] = [];
  sessions.on('session.revoked', (event) => void events.push(`${event.type}:${event.reason}:${(event.sessionIds ?? []).join(',')}`));
  sessions.on('user.session_invalidated', (event) => void events.push(`${event.type}:${event.reason}`));
  const laptop = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
  await sessions.create({ userId: 'alice', userAgent: UA.firefoxWindows });
  now += 1000;
  expect(await sessions.signOut(laptop.session)).toEqual({ global: true });
  expect(events).toEqual([`user.session_invalidated:global_logout`, `session.revoked:sign_out:${laptop.session.id}`]);
  const activity = await sessions.activity('alice');
  expect(activity.map((entry) => `${entry.type}:${entry.reason}`)).toContain('session.revoked:sign_out');
});
