import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { UA } from '../support/clock.js';

// Promises of docs/security-page.md that no other test pins.
describe('documented promises: the manager', () => {
  it('a device is new per IPv6 /48: another address in the same /48 is known, one in the next /48 is not', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const newDevice: boolean[] = [];
    sessions.on('session.created', (event) => void newDevice.push(event.newDevice));
    for (const ip of ['2001:db8:1:2::1', '2001:db8:1:ffff::9', '2001:db8:2::1']) await sessions.create({ userId: 'ada', userAgent: UA.chromeMac, ip });
    expect(newDevice).toEqual([true, false, true]);
  });

  it("a support session's row says who acts and that nobody proved to be the user (authenticatedAt 0)", async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const admin = await sessions.create({ userId: 'root', userAgent: UA.chromeMac });
    await sessions.create({ userId: 'ada', userAgent: UA.firefoxWindows });
    const support = await sessions.impersonate(admin.session, 'ada');
    const row = (await sessions.list('ada')).find((view) => view.id === support.session.id);
    expect([row?.deviceLabel, row?.impersonatorId, row?.authenticatedAt]).toEqual(['Support access by root', 'root', 0]);
  });
});
