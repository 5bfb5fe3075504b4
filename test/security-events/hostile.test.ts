import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SecurityEventRefusalReport, type SessionManager } from '../../src/index.js';
import { EVENTS, startTransmitter, type SetShape, type TestTransmitter } from './support/transmitter.js';

// Hostile SETs: each is refused with the RFC 8935 (section 2.4) error code its fault calls
// for, and nothing ends. The rule each comes from is named in the test.

describe('securityEvent(): hostile SETs are refused and end nothing', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  let tokens: string[];
  const reports: SecurityEventRefusalReport[] = [];
  beforeAll(async () => {
    tx = await startTransmitter();
  });
  // A fresh manager per test: one SET wrongly accepted cannot hide behind another's result.
  beforeEach(async () => {
    reports.length = 0;
    sessions = createSessionManager({ store: memoryStore() });
    // A provider session, the provider user's other session, and a local user whose id is the sub.
    tokens = await Promise.all([
      sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } }),
      sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice' } }),
      sessions.create({ userId: 'alice' }),
    ]).then((created) => created.map((one) => one.token));
  });
  afterEach(() => sessions.close());
  afterAll(() => tx.close());
  const options = () => ({ transmitters: [tx.config()], onRefused: (report: SecurityEventRefusalReport) => void reports.push(report) });
  // Everything a valid SET of this shape would end: every test's SET names the provider user.
  const hostile = (shape: SetShape = {}): SetShape => ({ type: EVENTS.accountDisabled, subject: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, ...shape });
  const nothingEnded = async () => expect(await Promise.all(tokens.map(async (token) => (await sessions.validate(token)).ok))).toEqual([true, true, true]);

  // Two equal subjects 3,000 arrays deep, in a SET under 64 KiB: JSON parses them, a recursive comparison overflows the stack.
  const nestedSubjects = () => {
    const subject = `${'['.repeat(3000)}{"format":"opaque","id":"sid-1"}${']'.repeat(3000)}`;
    const events = JSON.stringify({ [EVENTS.accountDisabled]: {} }).replace('{}', `{"subject":${subject}}`);
    return `{"iss":${JSON.stringify(tx.issuer)},"aud":${JSON.stringify(tx.audience)},"iat":${Math.floor(Date.now() / 1000)},"jti":"deep","sub_id":${subject},"events":${events}}`;
  };

  const cases: ReadonlyArray<readonly [string, () => Promise<unknown>, string]> = [
    ['alg none (RFC 8725 section 3.1; RFC 8417 section 5)', async () => tx.unsigned(hostile()), 'invalid_key'],
    ['HS256 keyed with the transmitter\'s public key (RFC 8725 section 2.1 and 3.1)', () => tx.hmacWithPublicKey(hostile()), 'invalid_key'],
    ['a signature by a key the transmitter does not hold (RFC 8417 section 5)', () => tx.sign(hostile({ signWith: tx.otherKey })), 'invalid_key'],
    ['a wrong aud (SSF 1.0 section 4.1.8; RFC 8417 section 2.2)', () => tx.sign(hostile({ claims: { aud: 'https://someone-else.example' } })), 'invalid_audience'],
    ['no aud (SSF 1.0 section 4.1.8)', () => tx.sign(hostile({ drop: ['aud'] })), 'invalid_audience'],
    ['a wrong iss (SSF 1.0 section 4.1.6)', () => tx.sign(hostile({ claims: { iss: 'https://evil.example' } })), 'invalid_issuer'],
    ['an iss that differs by a trailing slash (SSF 1.0 section 7.2.4: identical)', () => tx.sign(hostile({ claims: { iss: `${tx.issuer}/` } })), 'invalid_issuer'],
    ['typ JWT (RFC 8417 section 2.3; SSF 1.0 section 4.1.1)', () => tx.sign(hostile({ header: { typ: 'JWT' } })), 'invalid_request'],
    ['typ logout+jwt (RFC 8417 section 2.3; SSF 1.0 section 4.1.1)', () => tx.sign(hostile({ header: { typ: 'logout+jwt' } })), 'invalid_request'],
    ['no typ (SSF 1.0 section 4.1.1: MUST use explicit typing)', () => tx.sign(hostile({ header: { typ: undefined } })), 'invalid_request'],
    ['a sub claim (SSF 1.0 sections 4.1.2 and 4.1.3)', () => tx.sign(hostile({ claims: { sub: 'alice' } })), 'invalid_request'],
    ['an exp claim, even in the future (SSF 1.0 sections 4.1.3 and 4.1.7)', () => tx.sign(hostile({ claims: { exp: Math.floor(Date.now() / 1000) + 600 } })), 'invalid_request'],
    ['two events (SSF 1.0 section 4.2.1)', () => tx.sign(hostile({ claims: { events: { [EVENTS.accountDisabled]: {}, [EVENTS.sessionRevoked]: {} } } })), 'invalid_request'],
    ['no event (RFC 8417 section 2.2: events REQUIRED)', () => tx.sign(hostile({ claims: { events: {} } })), 'invalid_request'],
    ['no iat (RFC 8417 section 2.2: iat REQUIRED)', () => tx.sign(hostile({ drop: ['iat'] })), 'invalid_request'],
    ['an iat 8 days old (replay window; RFC 8417 section 4.3)', () => tx.sign(hostile({ claims: { iat: Math.floor(Date.now() / 1000) - 8 * 86_400 } })), 'invalid_request'],
    ['no jti (RFC 8417 section 2.2: jti REQUIRED)', () => tx.sign(hostile({ drop: ['jti'] })), 'invalid_request'],
    ['a subject that is no subject identifier (RFC 9493 section 3)', () => tx.sign(hostile({ subject: { id: 'sid-1' } })), 'invalid_request'],
    ['a sub_id and an event subject that differ (SSF 1.0 section 3.1.1)', () => tx.sign(hostile({ event: { subject: { format: 'iss_sub', iss: tx.issuer, sub: 'bob' } } })), 'invalid_request'],
    ['a session-revoked without a subject (CAEP 1.0 section 3.1; SSF 1.0 section 3.1)', () => tx.sign({ type: EVENTS.sessionRevoked }), 'invalid_request'],
    ['a sub_id and an equal event subject nested deeper than a comparison can go (RFC 9493 section 3)', () => tx.signRaw(nestedSubjects()), 'invalid_request'],
    ['not a JWT', async () => 'not.a.jwt', 'invalid_request'],
    ['not a string', async () => ({ set: 'x' }), 'invalid_request'],
  ];
  for (const [name, make, err] of cases) {
    it(`${name}: ${err}`, async () => {
      const result = await sessions.securityEvent(await make(), options());
      expect(result).toMatchObject({ ok: false, err });
      expect(reports).toEqual([expect.objectContaining({ err })]);
      await nothingEnded();
    });
  }

  it('a sub_id and an event subject that are the same are one subject, accepted', async () => {
    const signedIn = await sessions.create({ userId: 'u9', federated: { iss: tx.issuer, sub: 'zed', sid: 'sid-z' } });
    const subject = { format: 'opaque', id: 'sid-z' };
    expect(await sessions.securityEvent(await tx.sign({ subject, event: { subject: { ...subject } } }), options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
  });

  it('typ application/secevent+jwt is the same media type, accepted (RFC 7515 section 4.1.9; RFC 8417 section 2.3)', async () => {
    const signedIn = await sessions.create({ userId: 'u9', federated: { iss: tx.issuer, sub: 'zed', sid: 'sid-z' } });
    const set = await tx.sign({ header: { typ: 'application/secevent+jwt' }, subject: { format: 'opaque', id: 'sid-z' } });
    expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
  });

  it('a refused SET is not remembered: the same jti, validly signed, is then accepted', async () => {
    const signedIn = await sessions.create({ userId: 'u9', federated: { iss: tx.issuer, sub: 'zed', sid: 'sid-y' } });
    const claims = { jti: 'same-jti' };
    expect(await sessions.securityEvent(await tx.sign({ claims, subject: { format: 'opaque', id: 'sid-y' }, signWith: tx.otherKey }), options())).toMatchObject({ ok: false, err: 'invalid_key' });
    expect(await sessions.securityEvent(await tx.sign({ claims, subject: { format: 'opaque', id: 'sid-y' } }), options())).toMatchObject({ ok: true, replayed: false, revokedIds: [signedIn.session.id] });
  });
});
