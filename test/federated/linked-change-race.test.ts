import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type CreatedSession, type SessionManager, type SessionStore } from '../../src/index.js';
import { EVENTS, startTransmitter, type TestTransmitter } from '../security-events/support/transmitter.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';

// A provider ends a provider session on one server while, on another, the device signed in through it changes its
// password after the logout found the session: the change stores a new session carrying the same provider identity.
let idp: HomeIssuer;
let tx: TestTransmitter;
beforeAll(async () => {
  idp = await startHomeIssuer('app-client');
  tx = await startTransmitter();
});
afterAll(async () => {
  await idp.close();
  await tx.close();
});

describe("a provider's logout of a session whose device changes its password meanwhile", () => {
  let user: SessionManager;
  let receiver: SessionManager;
  let laptop: CreatedSession;
  let elsewhere: CreatedSession;
  let newToken: string | undefined;
  const events: string[][] = [];
  beforeEach(async () => {
    const shared = memoryStore();
    user = createSessionManager({ store: shared, policy: { onPasswordChange: 'others' } });
    let armed = true;
    newToken = undefined;
    events.length = 0;
    // The change lands right before the logout's first revocation, after the logout read what the provider session names.
    const store: SessionStore = {
      ...shared,
      async apply(batch) {
        if (armed && batch.writes.some((write) => write.type === 'revoke')) {
          armed = false;
          newToken = (await user.passwordChanged('ada', { currentSessionId: laptop.session.id })).token;
        }
        return shared.apply(batch);
      },
    };
    receiver = createSessionManager({ store });
    receiver.on('session.revoked', (event) => void events.push([...(event.sessionIds ?? [])]));
    laptop = await user.create({ userId: 'ada', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    elsewhere = await user.create({ userId: 'ada', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-2' } });
  });
  afterEach(async () => {
    await user.close();
    await receiver.close();
  });

  async function expectEnded(revokedIds: readonly string[] = []) {
    expect(newToken).toEqual(expect.any(String));
    const changed = await user.validate(newToken!);
    expect(changed).toEqual({ ok: false, reason: 'revoked' });
    expect(revokedIds).toHaveLength(1);
    expect(events).toEqual([revokedIds]);
    // Another provider session of the user was never named; the change's sign-out of other devices ended it, not the logout.
    expect(await user.validate(elsewhere.token)).toEqual({ ok: false, reason: 'revoked' });
    const entries = (await user.activity('ada')).filter((entry) => entry.type === 'session.revoked' && entry.reason !== 'password_change');
    expect(entries.map((entry) => entry.sessionId)).toEqual([...revokedIds]);
  }

  it('a back-channel logout ends the new session too', async () => {
    const result = await receiver.backchannelLogout(await idp.logoutToken({ claims: { sid: 'sid-1' } }), { issuers: [{ issuer: idp.issuer, clientId: 'app-client' }] });
    expect(result.ok).toBe(true);
    await expectEnded(result.ok ? result.revokedIds : undefined);
  });

  it("a CAEP session-revoked event ends the new session too", async () => {
    // The transmitter's issuer is not the logout's: sign the laptop in through it instead.
    await user.revokeAll('ada');
    laptop = await user.create({ userId: 'ada', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
    elsewhere = await user.create({ userId: 'ada', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-2' } });
    events.length = 0;
    const set = await tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'opaque', id: 'sid-1' } });
    const result = await receiver.securityEvent(set, { transmitters: [tx.config()] });
    expect(result.ok).toBe(true);
    await expectEnded(result.ok ? result.revokedIds : undefined);
  });
});

describe("a provider's logout that ends nothing", () => {
  it('tells no watcher of a revocation', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    const ended = await sessions.create({ userId: 'ada', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
    await sessions.revoke(ended.session.id);
    const notices: unknown[] = [];
    const stop = sessions.watchRevocations((notice) => void notices.push(notice));
    const result = await sessions.backchannelLogout(await idp.logoutToken({ claims: { sid: 'sid-1' } }), { issuers: [{ issuer: idp.issuer, clientId: 'app-client' }] });
    stop();
    expect(result).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [] });
    expect(notices).toEqual([]);
    await sessions.close();
  });
});
