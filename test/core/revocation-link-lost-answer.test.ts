import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import type { SessionStore } from '../../src/store.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** A store whose next batch on a link's key is applied, and then its answer is lost: a reset connection, or an answer after the call gave up. */
function losingLinkAnswer(inner: SessionStore, mode: 'reset' | 'late'): { store: SessionStore; arm: () => void } {
  let armed = false;
  const store: SessionStore = {
    ...inner,
    async apply(batch) {
      const applied = await inner.apply(batch);
      if (!armed || !('key' in batch.owner) || !batch.owner.key.startsWith('link:')) return applied;
      armed = false;
      if (mode === 'reset') throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      // Answered only after the manager's call gave up (its storeTimeout).
      return new Promise<boolean>((resolve) => setTimeout(() => resolve(applied), 1_500));
    },
  };
  return { store, arm: () => void (armed = true) };
}

describe('"This wasn\'t me" when the answer to taking the link is lost', () => {
  for (const mode of ['reset', 'late'] as const) {
    it(`${mode}: the redemption asks again, finds the link taken by itself, and signs the attacker out; the link is used up`, async () => {
      const { store, arm } = losingLinkAnswer(memoryStore(), mode);
      const sessions = createSessionManager({ store, storeTimeout: 500, onError: () => undefined });
      const attacker = await sessions.create({ userId: 'alice', userAgent: CHROME, ip: '203.0.113.5' });
      const link = (await sessions.issueRevocationLink(attacker.session.id))!;
      arm();
      expect(await sessions.redeemRevocationLink(link)).toMatchObject({ userId: 'alice', revokedIds: [attacker.session.id] });
      expect(await sessions.validate(attacker.token)).toEqual({ ok: false, reason: 'revoked' });
      expect(await sessions.redeemRevocationLink(link)).toBeNull();
    });
  }

  it("and the redemption's second ask fails too: it gives the link back, and the user's next try signs the attacker out", async () => {
    const inner = memoryStore();
    let failNextRead = false;
    const { store: losing, arm } = losingLinkAnswer(inner, 'reset');
    const store: SessionStore = {
      ...losing,
      async readKey(key) {
        if (!failNextRead) return inner.readKey(key);
        failNextRead = false;
        throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
      },
      apply: (batch) => losing.apply(batch).catch((error: unknown) => ((failNextRead = true), Promise.reject(error))),
    };
    const sessions = createSessionManager({ store, storeTimeout: 500, onError: () => undefined });
    const attacker = await sessions.create({ userId: 'alice', userAgent: CHROME, ip: '203.0.113.5' });
    const link = (await sessions.issueRevocationLink(attacker.session.id))!;
    arm();
    await expect(sessions.redeemRevocationLink(link)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await sessions.redeemRevocationLink(link)).toMatchObject({ revokedIds: [attacker.session.id] });
    expect(await sessions.validate(attacker.token)).toEqual({ ok: false, reason: 'revoked' });
  });
});
