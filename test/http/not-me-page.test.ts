import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { notMePage } from '../../src/http/not-me-page.js';
import { fakeRequest } from './fake-request.js';

const SELF = '/sessions/not-me';
const open = (manager: ReturnType<typeof createSessionManager>, token: string) => notMePage(manager, fakeRequest({ url: `${SELF}?token=${encodeURIComponent(token)}` }), SELF);

describe('the "This wasn\'t me" page on GET', () => {
  it('answers 410 for a link that is no link', async () => {
    const manager = createSessionManager({ store: memoryStore() });
    for (const garbage of ['', 'nothing', 'a.b', `${'A'.repeat(22)}.${'B'.repeat(42)}`, `${'A'.repeat(22)}.${'B'.repeat(42)}!`]) {
      const answer = await open(manager, garbage);
      expect([answer.status, answer.body]).toEqual([410, expect.stringContaining('This link no longer works')]);
    }
  });

  it('asks the manager nothing on GET, whatever the link', async () => {
    const untouchable = new Proxy({}, { get: (_, name) => { throw new Error(`GET asked the manager for ${String(name)}`); } }) as ReturnType<typeof createSessionManager>;
    expect((await open(untouchable, 'nothing')).status).toBe(410);
    expect((await open(untouchable, `${'A'.repeat(22)}.${'B'.repeat(43)}`)).status).toBe(200);
  });

  it('shows its two buttons for a link of the right shape, and signs nothing out', async () => {
    const manager = createSessionManager({ store: memoryStore() });
    const { session, token } = await manager.create({ userId: 'alice' });
    const link = (await manager.issueRevocationLink(session.id))!;
    const answer = await open(manager, link);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain("Wasn't you?");
    expect(answer.body.match(/<form method="post"/g)).toHaveLength(2);
    expect((await manager.validate(token)).ok).toBe(true);
  });
});
