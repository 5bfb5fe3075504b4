import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type SessionStore } from '../../src/index.js';
import type { Batch } from '../../src/store.js';
import { keyName, storeOperations } from '../../src/storage/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// A logout token's claim (a one-time key put if absent) that fails ambiguously: the store may
// have written it though its answer never came (a dropped reply, a statement killed after its
// write, the manager's storeTimeout). The call throws, and the provider's next delivery of
// the token must still end the sessions: it is not a replay of a logout that happened.

let idp: HomeIssuer;
beforeAll(async () => {
  idp = await startHomeIssuer();
});
afterAll(() => idp.close());
const options = () => ({ issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] });

/** The key a logout token's id is claimed under. */
const claimKeyOf = (jti: string) => keyName('once', 'logout_token', idp.issuer, jti);

/** A real memory store whose claims and releases can be made to fail or wait, as a store's server does. */
function faultyStore() {
  const inner = memoryStore();
  const faults = {
    /** The next claim is written, then its answer is lost (rejects STORE_UNAVAILABLE). */
    loseNextClaimAnswer: false,
    /** The next claim waits for this before it is written (and answered). */
    holdNextClaim: undefined as Promise<void> | undefined,
    /** The next release rejects. */
    failNextRelease: false,
    /** The keys whose release was asked for, as the call is made. */
    releases: [] as string[],
    onRelease: undefined as (() => void) | undefined,
    /** The last claim call. */
    lastClaim: undefined as Promise<boolean> | undefined,
  };
  const claim = async (batch: Batch): Promise<boolean> => {
    const hold = faults.holdNextClaim;
    faults.holdNextClaim = undefined;
    if (hold !== undefined) await hold;
    const claimed = await inner.apply(batch);
    if (!faults.loseNextClaimAnswer) return claimed;
    faults.loseNextClaimAnswer = false;
    throw new SessionError('STORE_UNAVAILABLE', 'The connection was lost before the answer (injected).');
  };
  const release = async (batch: Batch, key: string): Promise<boolean> => {
    faults.releases.push(key);
    if (faults.failNextRelease) {
      faults.failNextRelease = false;
      throw new SessionError('STORE_UNAVAILABLE', 'The release failed (injected).');
    }
    const released = await inner.apply(batch);
    faults.onRelease?.();
    return released;
  };
  const store: SessionStore = {
    ...inner,
    apply(batch) {
      const [write] = batch.writes;
      if (!('key' in batch.owner) || !batch.owner.key.startsWith('once:')) return inner.apply(batch);
      if (write?.type === 'putKey') return (faults.lastClaim = claim(batch));
      if (write?.type === 'deleteKey') return release(batch, write.key);
      return inner.apply(batch);
    },
  };
  return { store, faults, inner };
}

describe('backchannelLogout(): a claim whose answer is lost', () => {
  it('a claim written but not answered is released: the provider\'s next delivery ends the session', async () => {
    const { store, faults } = faultyStore();
    const errors: unknown[] = [];
    const sessions = createSessionManager({ store, onError: (error) => void errors.push(error) });
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await idp.logoutToken();
    faults.loseNextClaimAnswer = true;
    await expect(sessions.backchannelLogout(token, options())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    expect(await sessions.validate(signedIn.token)).toEqual({ ok: false, reason: 'revoked' });
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
    expect(errors).toEqual([]);
    await sessions.close();
  });

  it('a claim answered after the manager\'s storeTimeout is released once it lands: the next delivery ends the session', async () => {
    const { store, faults } = faultyStore();
    const sessions = createSessionManager({ store, storeTimeout: 50 });
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await idp.logoutToken();
    let land!: () => void;
    faults.holdNextClaim = new Promise<void>((resolve) => (land = resolve));
    await expect(sessions.backchannelLogout(token, options())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    // The store writes the claim only now, after the manager gave up on it.
    const released = new Promise<void>((resolve) => (faults.onRelease = resolve));
    land();
    await released;
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [signedIn.session.id] });
    expect(await sessions.validate(signedIn.token)).toEqual({ ok: false, reason: 'revoked' });
    await sessions.close();
  });

  it('a late claim that the store answers false (another delivery holds it) is not released', async () => {
    const { store, faults, inner } = faultyStore();
    const sessions = createSessionManager({ store, storeTimeout: 50 });
    const token = await idp.logoutToken();
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { jti: string };
    // Another delivery claimed the token first.
    expect(await storeOperations(inner).claimKey(claimKeyOf(jti), Date.now() + 600_000)).toBe(true);
    let land!: () => void;
    faults.holdNextClaim = new Promise<void>((resolve) => (land = resolve));
    await expect(sessions.backchannelLogout(token, options())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    const late = faults.lastClaim!;
    land();
    expect(await late).toBe(false);
    // No release follows that answer: the next delivery (checked first, so well after it) is a replay.
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
    expect(faults.releases).toEqual([]);
    await sessions.close();
  });

  it('when releasing a lost claim fails too, the error goes to onError and a later delivery is a replay', async () => {
    const { store, faults } = faultyStore();
    const errors: unknown[] = [];
    const sessions = createSessionManager({ store, onError: (error) => void errors.push(error) });
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await idp.logoutToken();
    faults.loseNextClaimAnswer = true;
    faults.failNextRelease = true;
    await expect(sessions.backchannelLogout(token, options())).rejects.toThrow('The connection was lost before the answer (injected).');
    expect(errors).toEqual([expect.objectContaining({ message: 'The release failed (injected).' })]);
    expect(await sessions.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    await sessions.close();
  });
});
