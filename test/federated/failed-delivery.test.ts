import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// A logout token's id is kept only once a delivery finished acting on it. A provider's
// retry after a failure, or one that meets the first delivery still at work, is never a
// replay: it acts itself, and ending a session twice ends it once.

let idp: HomeIssuer;
beforeAll(async () => {
  idp = await startHomeIssuer();
});
afterAll(() => idp.close());
const options = () => ({ issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] });

/** A real memory store whose next revoke can be held back, and whose next claim of a token id, or next marking of it done, is written but loses its answer. */
function faultyStore() {
  const inner = memoryStore();
  const faults = { holdNextRevoke: undefined as { reached: () => void; until: Promise<void> } | undefined, loseNextClaim: false, loseNextDone: false };
  // A claim is put at version 0, the mark done whatever the version.
  const onceKey = (batch: Batch) => batch.writes.some((write) => write.type === 'putKey' && write.key.startsWith('once:'));
  const store: SessionStore = {
    ...inner,
    async apply(batch) {
      const hold = batch.writes.some((write) => write.type === 'revoke') ? faults.holdNextRevoke : undefined;
      if (hold !== undefined) {
        faults.holdNextRevoke = undefined;
        hold.reached();
        await hold.until;
        throw new SessionError('STORE_UNAVAILABLE', 'The revoke failed after a wait (injected).');
      }
      const applied = await inner.apply(batch);
      const fault = !onceKey(batch) ? undefined : batch.version === 0 ? 'loseNextClaim' : 'loseNextDone';
      if (fault === undefined || !faults[fault]) return applied;
      faults[fault] = false;
      throw new SessionError('STORE_UNAVAILABLE', 'The connection was lost before the answer (injected).');
    },
  };
  return { store, faults };
}

describe('backchannelLogout(): a delivery that fails or meets another', () => {
  it('a retry while the first delivery is still at work acts itself; the first then fails, and the session stays ended', async () => {
    const { store, faults } = faultyStore();
    const sessions = createSessionManager({ store });
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await idp.logoutToken();
    let fail!: () => void;
    const reached = new Promise<void>((resolve) => (faults.holdNextRevoke = { reached: resolve, until: new Promise<void>((until) => (fail = until)) }));
    const first = sessions.backchannelLogout(token, options());
    await reached;
    // The first delivery is revoking; the provider, tired of waiting, delivers again.
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    fail();
    await expect(first).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(await sessions.validate(signedIn.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
    await sessions.close();
  });

  it("marking the token's id done loses its answer: the call rejects, the session has ended, and the next delivery is a replay", async () => {
    const { store, faults } = faultyStore();
    const sessions = createSessionManager({ store });
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await idp.logoutToken();
    faults.loseNextDone = true;
    await expect(sessions.backchannelLogout(token, options())).rejects.toThrow('The connection was lost before the answer (injected).');
    expect(await sessions.validate(signedIn.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
    await sessions.close();
  });

  it("claiming the token's id loses its answer: the call rejects, nothing ends, and the next delivery (meeting its own claim) ends the session", async () => {
    const { store, faults } = faultyStore();
    const sessions = createSessionManager({ store });
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await idp.logoutToken();
    faults.loseNextClaim = true;
    await expect(sessions.backchannelLogout(token, options())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
    await sessions.close();
  });
});
