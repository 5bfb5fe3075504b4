import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { serveIssuer, type IssuerServer } from '../../src/testing/framework/test-issuer.js';

// A token without a kid is tried with each published key that fits it. Anyone can send one: the work
// it costs must not grow with the size of the provider's key set (up to 1 MiB of it).

const LOGOUT_EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

/** Counts the signature checks and key imports made through WebCrypto until the test ends. */
function countCrypto(): { readonly calls: number } {
  const subtle = globalThis.crypto.subtle as unknown as Record<'verify' | 'importKey', (...args: unknown[]) => Promise<unknown>>;
  const original = { verify: subtle.verify, importKey: subtle.importKey };
  const counter = { calls: 0 };
  for (const name of ['verify', 'importKey'] as const) {
    subtle[name] = (...args: unknown[]) => {
      counter.calls += 1;
      return original[name].apply(globalThis.crypto.subtle, args);
    };
  }
  onTestFinished(() => void Object.assign(subtle, original));
  return counter;
}

describe('backchannelLogout(): a token without a kid against a large key set', () => {
  const opened: Array<IssuerServer | SessionManager> = [];
  afterEach(async () => {
    for (const one of opened.splice(0)) await one.close();
  });

  async function provider(count: number): Promise<{ issuer: IssuerServer; sign: (kid?: string) => Promise<string> }> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const own = { ...(await exportJWK(publicKey)), kid: 'own', alg: 'ES256', use: 'sig' };
    const other = await exportJWK((await generateKeyPair('ES256')).publicKey);
    const keys = [...Array.from({ length: count - 1 }, (_, index) => ({ ...other, kid: `k${index}`, alg: 'ES256', use: 'sig' })), own];
    const issuer = await serveIssuer(() => keys);
    opened.push(issuer);
    const sign = (kid?: string, key: CryptoKey = privateKey) =>
      new SignJWT({ jti: crypto.randomUUID(), sid: 'sid-1', events: LOGOUT_EVENT }).setProtectedHeader({ alg: 'ES256', typ: 'logout+jwt', kid }).setIssuer(issuer.issuer).setAudience('client').setIssuedAt().sign(key);
    return { issuer, sign };
  }

  function manager(): SessionManager {
    const sessions = createSessionManager();
    opened.push(sessions);
    return sessions;
  }

  it('a forged kid-less token costs a bounded number of signature checks, however many keys the provider publishes', async () => {
    const { issuer } = await provider(300);
    const sessions = manager();
    const options = { issuers: [{ issuer: issuer.issuer, clientId: 'client' }] };
    const forger = await generateKeyPair('ES256');
    const forged = () => new SignJWT({ jti: crypto.randomUUID(), sid: 'sid-1', events: LOGOUT_EVENT }).setProtectedHeader({ alg: 'ES256', typ: 'logout+jwt' }).setIssuer(issuer.issuer).setAudience('client').setIssuedAt().sign(forger.privateKey);
    // The first token fetches the keys.
    expect(await sessions.backchannelLogout(await forged(), options)).toEqual({ ok: false, reason: 'bad_signature' });
    const checks = countCrypto();
    for (let token = 0; token < 3; token++) expect(await sessions.backchannelLogout(await forged(), options)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(checks.calls).toBeLessThanOrEqual(3 * 2 * 16);
  });

  it('a provider publishing few keys is still tried key by key; one publishing many must name the kid', async () => {
    const few = await provider(3);
    const sessions = manager();
    const signedIn = await sessions.create({ userId: 'u1', federated: { iss: few.issuer.issuer, sub: 'alice', sid: 'sid-1' } });
    expect(await sessions.backchannelLogout(await few.sign(), { issuers: [{ issuer: few.issuer.issuer, clientId: 'client' }] })).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    const many = await provider(300);
    const options = { issuers: [{ issuer: many.issuer.issuer, clientId: 'client' }] };
    const again = await sessions.create({ userId: 'u1', federated: { iss: many.issuer.issuer, sub: 'alice', sid: 'sid-1' } });
    expect(await sessions.backchannelLogout(await many.sign(), options)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await sessions.backchannelLogout(await many.sign('own'), options)).toMatchObject({ ok: true, revokedIds: [again.session.id] });
  });
});
