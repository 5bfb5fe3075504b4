import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, type SessionManager } from '../../src/index.js';
import { startTransmitter, type TestTransmitter } from './support/transmitter.js';

// The options of securityEvent() decide whose SETs can end sessions: checked at each call,
// unknown options refused, a transmitter's URLs https (plain http only on the loopback), and
// only asymmetric algorithms (RFC 8725 section 3.1: never none, never HMAC with a public key).

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (error: unknown) => (isSessionError(error) ? `${error.code}: ${error.message}` : String(error)),
  );

describe('securityEvent(): options', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  let set: string;
  beforeAll(async () => {
    tx = await startTransmitter();
    sessions = createSessionManager({ store: memoryStore() });
    set = await tx.sign({ type: 'https://schemas.openid.net/secevent/ssf/event-type/verification' });
  });
  afterAll(async () => {
    await sessions.close();
    await tx.close();
  });

  const refused: ReadonlyArray<readonly [string, () => unknown, RegExp]> = [
    ['no options', () => undefined, /options \{ transmitters \} are required/],
    ['an unknown option', () => ({ transmitters: [tx.config()], issuers: [] }), /unknown option "issuers"/],
    ['no transmitters', () => ({ transmitters: [] }), /transmitters must be a non-empty list/],
    ['a hole in the list', () => ({ transmitters: [tx.config(), undefined] }), /each transmitter must be an object \(got undefined\)/],
    ['an unknown transmitter option', () => ({ transmitters: [{ ...tx.config(), clientId: 'x' }] }), /each transmitter: unknown option "clientId"/],
    ['a plain http issuer off the loopback', () => ({ transmitters: [{ issuer: 'http://idp.example.com', audience: 'a' }] }), /issuer \(http:\/\/idp\.example\.com\/\) is plain http/],
    ['an issuer that is no URL', () => ({ transmitters: [{ issuer: 'idp', audience: 'a' }] }), /issuer must be an absolute https URL/],
    ['a plain http jwksUri off the loopback', () => ({ transmitters: [tx.config({ jwksUri: 'http://keys.example.com/jwks' })] }), /jwksUri \(http:\/\/keys\.example\.com\/jwks\) is plain http/],
    ['no audience', () => ({ transmitters: [{ issuer: tx.issuer }] }), /audience must be a non-empty string/],
    // It names who acted in each revocation, which holds an id's length.
    ['an issuer longer than an id', () => ({ transmitters: [{ issuer: `https://idp.example.com/${'a'.repeat(240)}`, audience: 'a' }] }), /issuer must be at most 256 characters/],
    // The URL parser takes a control character or an unpaired surrogate in the path; no store keeps a `by` holding one as it is.
    ['an issuer with a control character', () => ({ transmitters: [{ issuer: 'https://idp.example.com/\u0000a', audience: 'a' }] }), /issuer must be at most 256 characters, without control characters/],
    ['an issuer with an unpaired surrogate', () => ({ transmitters: [{ issuer: 'https://idp.example.com/\ud800', audience: 'a' }] }), /issuer must be at most 256 characters, without control characters/],
    ['algorithm none', () => ({ transmitters: [tx.config({ algorithms: ['none'] })] }), /algorithm "none" is refused/],
    ['algorithm HS256', () => ({ transmitters: [tx.config({ algorithms: ['RS256', 'HS256'] })] }), /algorithm "HS256" is refused/],
    ['an unknown algorithm', () => ({ transmitters: [tx.config({ algorithms: ['RS1'] })] }), /algorithm "RS1" is not supported/],
    ['the same issuer twice', () => ({ transmitters: [tx.config(), tx.config({ audience: 'b' })] }), /listed twice/],
    ['two issuers one of whose spellings is the same', () => ({ transmitters: [tx.config(), tx.config({ issuer: `${tx.issuer.replace(/\/$/, '')}//`, audience: 'b' })] }), /listed twice/],
    ['the same issuer with and without its trailing /', () => ({ transmitters: [tx.config(), tx.config({ issuer: tx.issuer.endsWith('/') ? tx.issuer.slice(0, -1) : `${tx.issuer}/`, audience: 'b' })] }), /listed twice \(with or without its trailing \/, it is one issuer\)/],
    ['a resolveSubject that is no function', () => ({ transmitters: [tx.config({ resolveSubject: 'u1' as never })] }), /resolveSubject must be a function/],
    ['an empty authorization', () => ({ transmitters: [tx.config({ authorization: '' })] }), /authorization must be a non-empty string/],
    ['an onRefused that is no function', () => ({ transmitters: [tx.config()], onRefused: 1 }), /onRefused must be a function/],
  ];
  for (const [name, make, message] of refused) {
    it(`refuses ${name} (INVALID_CONFIGURATION)`, async () => {
      const answer = await outcome(sessions.securityEvent(set, make() as never));
      expect(answer).toMatch(/^INVALID_CONFIGURATION: securityEvent\(\)/);
      expect(answer).toMatch(message);
    });
  }

  it('accepts a loopback transmitter with a list of audiences and a configured jwksUri', async () => {
    expect(await sessions.securityEvent(set, { transmitters: [tx.config({ audience: ['other', tx.audience], jwksUri: `${tx.issuer}/jwks`, algorithms: ['RS256'] })] })).toMatchObject({ ok: true });
  });

  it('a resolveSubject answering something that is no user id rejects INVALID_INPUT, and the SET is not remembered', async () => {
    const signedIn = await sessions.create({ userId: 'u1' });
    const accountSet = await tx.sign({ type: 'https://schemas.openid.net/secevent/risc/event-type/account-disabled', subject: { format: 'email', email: 'u1@example.com' } });
    expect(await outcome(sessions.securityEvent(accountSet, { transmitters: [tx.config({ resolveSubject: () => '' })] }))).toMatch(/^INVALID_INPUT: the user id resolveSubject\(\) answered/);
    expect((await sessions.validate(signedIn.token)).ok).toBe(true);
    expect(await sessions.securityEvent(accountSet, { transmitters: [tx.config({ resolveSubject: () => 'u1' })] })).toMatchObject({ ok: true, replayed: false, revokedIds: [signedIn.session.id] });
  });
});
