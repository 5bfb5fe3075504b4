import { expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { memoryStore } from '../../src/stores/memory.js';
import type { SessionStore } from '../../src/store.js';
import { UA } from '../support/clock.js';

// One failed write of the "used for good" mark after a redemption that ended everything: it is tried again, or a minute
// later the link would work again for the rest of its week, signing out everywhere the sessions signed in since.
it('a "This wasn\'t me" link whose "used" mark failed once is still used up', async () => {
  let now = 1_800_000_000_000;
  const inner = memoryStore();
  let linkWrites = 0;
  let failFinish = false;
  const store: SessionStore = {
    ...inner,
    apply: async (batch) => {
      // The take is the redemption's first write on the link; the finish its second.
      if (failFinish && 'key' in batch.owner && batch.owner.key.startsWith('link:') && linkWrites++ === 1) throw new Error('connection reset');
      return inner.apply(batch);
    },
  };
  const errors: unknown[] = [];
  const sessions = createSessionManager({ store, clock: () => now, onError: (error) => void errors.push(error) });
  const invalidated: string[] = [];
  sessions.on('user.session_invalidated', (event) => void invalidated.push(event.reason));
  const attacker = await sessions.create({ userId: 'alice', userAgent: UA.chromeMac });
  const link = (await sessions.issueRevocationLink(attacker.session.id))!;
  failFinish = true;
  expect(await sessions.redeemRevocationLink(link, { everywhere: true })).toMatchObject({ everywhere: true, revokedIds: [attacker.session.id] });
  expect(errors).toEqual([]);
  failFinish = false;
  // The owner signs in again on their own laptop; the link is clicked again (an email client, a second look) after a minute.
  now += 61_000;
  const owner = await sessions.create({ userId: 'alice', userAgent: UA.firefoxWindows });
  expect(await sessions.redeemRevocationLink(link, { everywhere: true })).toBeNull();
  expect((await sessions.validate(owner.token)).ok).toBe(true);
  expect(invalidated).toEqual(['not_me']);
});
