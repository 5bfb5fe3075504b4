import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { UA } from '../support/clock.js';

// What an app mails ("Chrome on Mac OS was signed out: you signed in on one device too many") comes from the event,
// which names the device and address as the activity entry of the same end does.
describe('session.revoked for the sessions a sign-in ends', () => {
  it('one event per ended session, with its device and IP: replaced, then ended by the cap', async () => {
    const sessions = createSessionManager({ store: memoryStore(), maxSessions: { browser: 1 } });
    const revoked: unknown[] = [];
    sessions.on('session.revoked', (event) => void revoked.push([event.reason, event.sessionIds, event.deviceLabel, event.ip]));
    const first = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '198.51.100.7' });
    const again = await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip: '198.51.100.8' });
    await sessions.create({ userId: 'ada', userAgent: UA.safariIphone, ip: '203.0.113.9' });
    const expected = [
      ['replaced', [first.session.id], 'Chrome on Mac OS', '198.51.100.7'],
      ['session_limit', [again.session.id], 'Chrome on Mac OS', '198.51.100.8'],
    ];
    expect(revoked).toEqual(expected);
    const entries = (await sessions.activity('ada')).filter((entry) => entry.type === 'session.revoked').reverse();
    expect(entries.map((entry) => [entry.reason, [entry.sessionId], entry.deviceLabel, entry.ip])).toEqual(expected);
  });
});
