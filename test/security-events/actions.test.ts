import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, type SessionEvent, type SessionManager } from '../../src/index.js';
import { EVENTS, startTransmitter, type TestTransmitter } from './support/transmitter.js';

// What each event type does to sessions (the action table), through sessions.securityEvent on
// the memory store. Sections: CAEP 1.0 section 3.1 (session-revoked), 3.3 (credential-change);
// RISC 1.0 sections 2.2, 2.3, 2.5, 2.11; OAuth Event Types 1.0 section 3.3 (tokens-revoked);
// SSF 1.0 section 8.1.4.1 (verification); subjects per SSF 1.0 section 3 and RFC 9493.

const GOOGLE = 'https://accounts.google.com';

describe('securityEvent(): what each event ends', () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  let events: SessionEvent[];
  beforeEach(async () => {
    tx = await startTransmitter();
    sessions = createSessionManager({ store: memoryStore() });
    events = [];
    sessions.on('*', (event) => void events.push(event));
  });
  afterEach(async () => {
    await sessions.close();
    await tx.close();
  });
  const options = (overrides = {}) => ({ transmitters: [tx.config(overrides)] });
  const live = async (token: string) => (await sessions.validate(token)).ok;
  const viaProvider = (userId: string, sub: string, sid?: string) => sessions.create({ userId, federated: sid === undefined ? { iss: tx.issuer, sub } : { iss: tx.issuer, sub, sid } });

  it('CAEP session-revoked with a complex subject naming a provider session ends only that session (CAEP 1.0 section 3.1, SSF 1.0 section 3.3)', async () => {
    const one = await viaProvider('u1', 'alice', 'sid-1');
    const two = await viaProvider('u1', 'alice', 'sid-2');
    const set = await tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'complex', session: { format: 'opaque', id: 'sid-1' }, user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' } } });
    const result = await sessions.securityEvent(set, options());
    expect(result).toMatchObject({ ok: true, issuer: tx.issuer, eventType: EVENTS.sessionRevoked, revokedIds: [one.session.id], replayed: false });
    expect(await live(one.token)).toBe(false);
    expect(await live(two.token)).toBe(true);
    // The activity and the event name the transmitter; the reason is security_event.
    expect(events.find((event) => event.type === 'session.revoked')).toMatchObject({ reason: 'security_event', by: tx.issuer, sessionIds: [one.session.id] });
    expect((await sessions.activity('u1')).find((entry) => entry.type === 'session.revoked')).toMatchObject({ reason: 'security_event', by: tx.issuer });
  });

  it('judges and ends a session a provider session names in the batch that ends it, with no read of the session alone, and still records its activity', async () => {
    const inner = memoryStore();
    const reads: string[] = [];
    const counted = createSessionManager({ store: { ...inner, get: (sessionId) => (reads.push(sessionId), inner.get(sessionId)), readUser: (userId, ...rest) => (reads.push(userId), inner.readUser(userId, ...rest)) } });
    const one = await counted.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
    reads.length = 0;
    expect(await counted.securityEvent(await tx.sign({ subject: { format: 'opaque', id: 'sid-1' } }), options())).toMatchObject({ ok: true, revokedIds: [one.session.id] });
    // The user is read by the lookup and by the batch.
    expect(reads).toEqual(['u1', 'u1']);
    expect((await counted.activity('u1')).find((entry) => entry.type === 'session.revoked')).toMatchObject({ sessionId: one.session.id, reason: 'security_event', by: tx.issuer });
    await counted.close();
  });

  it('CAEP session-revoked with an opaque subject ends that provider session (RFC 9493 section 3.2.4)', async () => {
    const one = await viaProvider('u1', 'alice', 'sid-1');
    const two = await viaProvider('u1', 'alice', 'sid-2');
    const result = await sessions.securityEvent(await tx.sign({ subject: { format: 'opaque', id: 'sid-2' } }), options());
    expect(result).toMatchObject({ ok: true, revokedIds: [two.session.id] });
    expect([await live(one.token), await live(two.token)]).toEqual([true, false]);
  });

  it('CAEP session-revoked with an iss_sub subject ends that provider user\'s sessions, never a local user whose id is the sub (RFC 9493 section 3.2.5)', async () => {
    const fromProvider = await viaProvider('u1', 'alice', 'sid-1');
    const sameIdLocal = await sessions.create({ userId: 'alice' });
    const otherProvider = await sessions.create({ userId: 'u1', federated: { iss: GOOGLE, sub: 'alice' } });
    const result = await sessions.securityEvent(await tx.sign({ subject: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' } }), options());
    expect(result).toMatchObject({ ok: true, revokedIds: [fromProvider.session.id] });
    expect([await live(fromProvider.token), await live(sameIdLocal.token), await live(otherProvider.token)]).toEqual([false, true, true]);
  });

  it('an iss_sub subject of another provider never ends that provider\'s sessions: a transmitter speaks for its own users', async () => {
    const viaGoogle = await sessions.create({ userId: 'u1', federated: { iss: GOOGLE, sub: 'alice', sid: 'g-1' } });
    const fromComplex = await tx.sign({ subject: { format: 'complex', session: { format: 'opaque', id: 'g-1' }, user: { format: 'iss_sub', iss: GOOGLE, sub: 'alice' } } });
    for (const set of [await tx.sign({ subject: { format: 'iss_sub', iss: GOOGLE, sub: 'alice' } }), fromComplex]) {
      expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, revokedIds: [] });
    }
    expect(await live(viaGoogle.token)).toBe(true);
    // Without resolveSubject that user is nobody; with it, the app decides.
    const mapped = await sessions.securityEvent(await tx.sign({ subject: { format: 'iss_sub', iss: GOOGLE, sub: 'alice' } }), options({ resolveSubject: () => 'u1' }));
    expect(mapped).toMatchObject({ ok: true, revokedIds: [viaGoogle.session.id] });
  });

  it('an email subject goes through resolveSubject (SSF 1.0 section 3.2, RFC 9493 section 3.2.2)', async () => {
    const local = await sessions.create({ userId: 'u7' });
    const other = await sessions.create({ userId: 'u8' });
    const asked: unknown[] = [];
    const resolveSubject = (subject: unknown) => {
      asked.push(subject);
      return (subject as { email?: string }).email === 'bob@example.com' ? 'u7' : undefined;
    };
    const result = await sessions.securityEvent(await tx.sign({ subject: { format: 'email', email: 'bob@example.com' } }), options({ resolveSubject }));
    expect(result).toMatchObject({ ok: true, revokedIds: [local.session.id] });
    expect(asked).toEqual([{ format: 'email', email: 'bob@example.com' }]);
    expect([await live(local.token), await live(other.token)]).toEqual([false, true]);
  });

  for (const [name, type] of [['session-revoked', EVENTS.sessionRevoked], ['credential-change', EVENTS.credentialChange]] as const) {
    it(`${name} of a local user ends the sessions of the everywhereKinds, and revokedIds names those only (an api token stays)`, async () => {
      const web = await sessions.create({ userId: 'u7' });
      const api = await sessions.create({ userId: 'u7', kind: 'api' });
      const resolveSubject = (subject: unknown) => ((subject as { email?: string }).email === 'bob@example.com' ? 'u7' : undefined);
      const result = await sessions.securityEvent(await tx.sign({ type, subject: { format: 'email', email: 'bob@example.com' } }), options({ resolveSubject }));
      expect(result).toMatchObject({ ok: true, revokedIds: [web.session.id] });
      expect([await live(web.token), await live(api.token)]).toEqual([false, true]);
    });
  }

  it("an event about an account whose provider user has no live session through the provider any more asks resolveSubject for its iss_sub, and ends every session of that user (RISC 1.0 section 2.3)", async () => {
    let now = Date.now();
    const timed = createSessionManager({ store: memoryStore(), clock: () => now, kinds: { browser: { maxAge: 60 * 60_000 } } });
    await timed.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
    const token = await timed.create({ userId: 'u1', kind: 'api' });
    now += 2 * 60 * 60_000;
    const asked: unknown[] = [];
    const resolveSubject = (subject: unknown) => (asked.push(subject), 'u1');
    for (const type of [EVENTS.accountDisabled, EVENTS.sessionsRevoked]) {
      const set = await tx.sign({ type, subject: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' } });
      expect(await timed.securityEvent(set, options({ resolveSubject }))).toMatchObject({ ok: true, revokedIds: type === EVENTS.accountDisabled ? [token.session.id] : [] });
    }
    expect(asked).toEqual([{ format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }]);
    expect((await timed.validate(token.token)).ok).toBe(false);
    // Without resolveSubject such an event ends nothing, as before: the library knows the provider user only by its sessions.
    const set = await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' } });
    expect(await timed.securityEvent(set, options())).toMatchObject({ ok: true, revokedIds: [] });
    await timed.close();
  });

  it("an aliases subject holding this transmitter's iss_sub ends that provider user's sessions; without one it goes to resolveSubject whole (RFC 9493 section 3.2.8)", async () => {
    const alice = await viaProvider('u1', 'alice');
    const bob = await sessions.create({ userId: 'u2' });
    const email = { format: 'email', email: 'alice@example.com' };
    const aliases = { format: 'aliases', identifiers: [email, { format: 'iss_sub', iss: GOOGLE, sub: 'alice' }, { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }] };
    const asked: unknown[] = [];
    const resolveSubject = (subject: unknown) => (asked.push(subject), 'u2');
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject: aliases }), options({ resolveSubject }))).toMatchObject({ ok: true, revokedIds: [alice.session.id] });
    const mapped = { format: 'aliases', identifiers: [email, { format: 'phone_number', phone_number: '+12065550100' }] };
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject: mapped }), options({ resolveSubject }))).toMatchObject({ ok: true, revokedIds: [bob.session.id] });
    expect(asked).toEqual([mapped]);
    for (const identifiers of [[], 'alice', Array.from({ length: 17 }, () => email)]) {
      expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'aliases', identifiers } }), options({ resolveSubject }))).toMatchObject({ ok: false, err: 'invalid_request' });
    }
    // The same inside a complex subject's user member.
    const again = await viaProvider('u1', 'alice');
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'complex', user: aliases } }), options({ resolveSubject }))).toMatchObject({ ok: true, revokedIds: [again.session.id] });
  });

  it('an email subject without resolveSubject, or one it does not know, is acknowledged and ends nothing', async () => {
    const local = await sessions.create({ userId: 'u7' });
    expect(await sessions.securityEvent(await tx.sign({ subject: { format: 'email', email: 'bob@example.com' } }), options())).toMatchObject({ ok: true, revokedIds: [] });
    expect(await sessions.securityEvent(await tx.sign({ subject: { format: 'email', email: 'x@example.com' } }), options({ resolveSubject: () => undefined }))).toMatchObject({ ok: true, revokedIds: [] });
    // A database lookup that finds no row answers null.
    expect(await sessions.securityEvent(await tx.sign({ subject: { format: 'email', email: 'y@example.com' } }), options({ resolveSubject: async () => null }))).toMatchObject({ ok: true, revokedIds: [] });
    expect(await live(local.token)).toBe(true);
  });

  it('an opaque subject of an event about an account names a user for resolveSubject, never a provider session; of session-revoked, a provider session', async () => {
    const holder = await viaProvider('alice', 'alice-sub', 'u-42');
    const bob = await sessions.create({ userId: 'bob' });
    const asked: unknown[] = [];
    const resolveSubject = (named: unknown) => (asked.push(named), 'bob');
    const subject = { format: 'opaque', id: 'u-42' };
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject }))).toMatchObject({ ok: true, revokedIds: [bob.session.id] });
    expect(asked).toEqual([subject]);
    expect([await live(holder.token), await live(bob.token)]).toEqual([true, false]);
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.sessionRevoked, subject }), options({ resolveSubject }))).toMatchObject({ ok: true, revokedIds: [holder.session.id] });
    expect(asked).toHaveLength(1);
  });

  for (const [name, type] of [
    ['account-disabled (RISC 1.0 section 2.3)', EVENTS.accountDisabled],
    ['account-purged (RISC 1.0 section 2.2)', EVENTS.accountPurged],
    ['identifier-changed (RISC 1.0 section 2.5)', EVENTS.identifierChanged],
    ['sessions-revoked, legacy (RISC 1.0 section 2.11)', EVENTS.sessionsRevoked],
  ] as const) {
    it(`RISC ${name} ends every session of the user, of every kind`, async () => {
      const fromProvider = await viaProvider('u1', 'alice', 'sid-1');
      const local = await sessions.create({ userId: 'u1' });
      const api = await sessions.create({ userId: 'u1', kind: 'api' });
      const bystander = await sessions.create({ userId: 'u2' });
      const result = await sessions.securityEvent(await tx.sign({ type, subject: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' } }), options());
      expect(result.ok && [...result.revokedIds].sort()).toEqual([fromProvider.session.id, local.session.id, api.session.id].sort());
      expect([await live(fromProvider.token), await live(local.token), await live(api.token), await live(bystander.token)]).toEqual([false, false, false, true]);
      expect(events.find((event) => event.type === 'user.session_invalidated')).toMatchObject({ reason: 'security_event', by: tx.issuer, userId: 'u1' });
    });
  }

  it('Google\'s legacy RISC form: the subject inside the event, with subject_type (RISC 1.0 section 3.1, SSF 1.0 section 3.1.1)', async () => {
    const signedIn = await viaProvider('u1', 'alice');
    const set = await tx.sign({ type: EVENTS.sessionsRevoked, event: { subject: { subject_type: 'iss_sub', iss: tx.issuer, sub: 'alice' } } });
    expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
    expect(await live(signedIn.token)).toBe(false);
  });

  it('a legacy subject_type named like an inherited property ("toString", "__proto__") reaches resolveSubject as that text', async () => {
    const formats: unknown[] = [];
    for (const subjectType of ['toString', '__proto__']) {
      const set = await tx.sign({ type: EVENTS.accountDisabled, event: { subject: { subject_type: subjectType, id: 'u-1' } } });
      await sessions.securityEvent(set, options({ resolveSubject: (subject: { format: unknown }) => void formats.push(subject.format) }));
    }
    expect(formats).toEqual(['toString', '__proto__']);
  });

  it('Google\'s Cross-Account Protection as it sends: issuer with a trailing slash, RISC discovery, subject_type iss-sub in the event (RISC 1.0 section 3.1; SSF 1.0 sections 3.1.1 and 7.2.2)', async () => {
    const google = await startTransmitter({ path: '/' });
    try {
      google.discovery = 'risc';
      expect(google.issuer.endsWith('/')).toBe(true);
      // Its ID tokens name the issuer without the slash, and that is what the sign-in recorded.
      const signedIn = await sessions.create({ userId: 'u1', federated: { iss: google.issuer.slice(0, -1), sub: '7375626A656374' } });
      const bystander = await sessions.create({ userId: '7375626A656374' });
      const set = await google.sign({ type: EVENTS.accountDisabled, event: { subject: { subject_type: 'iss-sub', iss: google.issuer, sub: '7375626A656374' }, reason: 'hijacking' } });
      expect(await sessions.securityEvent(set, { transmitters: [google.config()] })).toMatchObject({ ok: true, revokedIds: [signedIn.session.id] });
      expect([await live(signedIn.token), await live(bystander.token)]).toEqual([false, true]);
    } finally {
      await google.close();
    }
  });

  it('OAuth tokens-revoked ends the user\'s api sessions only (OAuth Event Types 1.0 section 3.3)', async () => {
    const browser = await viaProvider('u1', 'alice');
    const api = await sessions.create({ userId: 'u1', kind: 'api' });
    const result = await sessions.securityEvent(await tx.sign({ type: EVENTS.tokensRevoked, subject: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' } }), options());
    expect(result).toMatchObject({ ok: true, revokedIds: [api.session.id] });
    expect([await live(browser.token), await live(api.token)]).toEqual([true, false]);
  });

  it('CAEP credential-change with onPasswordChange "others" keeps the provider session it names and ends the user\'s others (CAEP 1.0 section 3.3)', async () => {
    const changedHere = await viaProvider('u1', 'alice', 'sid-1');
    const elsewhere = await viaProvider('u1', 'alice', 'sid-2');
    const local = await sessions.create({ userId: 'u1' });
    const set = await tx.sign({ type: EVENTS.credentialChange, event: { credential_type: 'password', change_type: 'update' }, subject: { format: 'complex', session: { format: 'opaque', id: 'sid-1' } } });
    const result = await sessions.securityEvent(set, options());
    expect(result.ok && [...result.revokedIds].sort()).toEqual([elsewhere.session.id, local.session.id].sort());
    expect([await live(changedHere.token), await live(elsewhere.token), await live(local.token)]).toEqual([true, false, false]);
  });

  it('CAEP credential-change with onPasswordChange "all" ends every session of the user (CAEP 1.0 section 3.3)', async () => {
    const strict = createSessionManager({ store: memoryStore(), policy: { onPasswordChange: 'all' } });
    const changedHere = await strict.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
    const local = await strict.create({ userId: 'u1' });
    const set = await tx.sign({ type: EVENTS.credentialChange, event: { credential_type: 'password', change_type: 'update' }, subject: { format: 'complex', session: { format: 'opaque', id: 'sid-1' } } });
    expect(await strict.securityEvent(set, options())).toMatchObject({ ok: true });
    expect([(await strict.validate(changedHere.token)).ok, (await strict.validate(local.token)).ok]).toEqual([false, false]);
    await strict.close();
  });

  it('an opaque id in a complex subject\'s user member names a user for resolveSubject, never a provider session (RFC 9493, SSF 1.0 section 3.3)', async () => {
    const holder = await viaProvider('alice', 'alice-sub', 'u-42');
    const subject = { format: 'complex', user: { format: 'opaque', id: 'u-42' } };
    const unmapped = await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options());
    expect(unmapped).toMatchObject({ ok: true, revokedIds: [] });
    expect(await live(holder.token)).toBe(true);
    const bob = await sessions.create({ userId: 'bob' });
    const asked: unknown[] = [];
    const mapped = await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject: (named: unknown) => (asked.push(named), 'bob') }));
    expect(asked).toEqual([{ format: 'opaque', id: 'u-42' }]);
    expect(mapped).toMatchObject({ ok: true, revokedIds: [bob.session.id] });
    expect([await live(holder.token), await live(bob.token)]).toEqual([true, false]);
  });

  it("an account or credential event whose complex subject names a user and a session unknown here ends that user's sessions: the session member narrows only session-revoked", async () => {
    for (const type of [EVENTS.accountDisabled, EVENTS.credentialChange]) {
      const u1 = await sessions.create({ userId: 'u1' });
      const fromProvider = await viaProvider('u2', 'bob-sub', 'sid-2');
      const subject = { format: 'complex', user: { format: 'email', email: 'u1@example.com' }, session: { format: 'opaque', id: 'sid-unknown' } };
      expect(await sessions.securityEvent(await tx.sign({ type, subject }), options({ resolveSubject: () => 'u1' }))).toMatchObject({ ok: true, revokedIds: [u1.session.id] });
      const byProviderUser = { format: 'complex', user: { format: 'iss_sub', iss: tx.issuer, sub: 'bob-sub' }, session: { format: 'opaque', id: 'sid-unknown' } };
      expect(await sessions.securityEvent(await tx.sign({ type, subject: byProviderUser }), options())).toMatchObject({ ok: true, revokedIds: [fromProvider.session.id] });
      expect([await live(u1.token), await live(fromProvider.token)]).toEqual([false, false]);
    }
  });

  it('an opaque user id that is not text is refused as a malformed subject, before resolveSubject is asked', async () => {
    const bob = await sessions.create({ userId: 'bob' });
    const asked: unknown[] = [];
    const mapping = options({ resolveSubject: (named: unknown) => (asked.push(named), 'bob') });
    for (const id of [42, { id: 'u-42' }, ['u-42'], '', 'u-\u0000-42', 'u'.repeat(256)]) {
      const subject = { format: 'complex', user: { format: 'opaque', id } };
      expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), mapping)).toMatchObject({ ok: false, err: 'invalid_request' });
    }
    expect(asked).toEqual([]);
    expect(await live(bob.token)).toBe(true);
  });

  it('an opaque tenant id that is not text is refused as a malformed subject, never widened to every tenant', async () => {
    const inAcme = await sessions.create({ userId: 'u1', tenantId: 'acme' });
    const inGlobex = await sessions.create({ userId: 'u1', tenantId: 'globex' });
    for (const id of [42, '', 'x'.repeat(300)]) {
      const subject = { format: 'complex', user: { format: 'email', email: 'u1@example.com' }, tenant: { format: 'opaque', id } };
      expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject: () => 'u1' }))).toMatchObject({ ok: false, err: 'invalid_request' });
    }
    expect([await live(inAcme.token), await live(inGlobex.token)]).toEqual([true, true]);
  });

  it('a complex subject\'s tenant limits what ends to that tenant (SSF 1.0 section 3.3)', async () => {
    const inAcme = await sessions.create({ userId: 'u1', tenantId: 'acme' });
    const inGlobex = await sessions.create({ userId: 'u1', tenantId: 'globex' });
    const subject = { format: 'complex', user: { format: 'email', email: 'u1@example.com' }, tenant: { format: 'opaque', id: 'acme' } };
    const result = await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject: () => 'u1' }));
    expect(result).toMatchObject({ ok: true, revokedIds: [inAcme.session.id] });
    expect([await live(inAcme.token), await live(inGlobex.token)]).toEqual([false, true]);
  });

  it("resolveSubject is told a complex subject's tenant beside its user, so an app keeping a user per tenant maps the right one (SSF 1.0 section 3.3)", async () => {
    const acme = await sessions.create({ userId: 'acme-alice', tenantId: 'acme' });
    const globex = await sessions.create({ userId: 'globex-alice', tenantId: 'globex' });
    const asked: unknown[] = [];
    const resolveSubject = (subject: { email?: unknown }, where: { tenant?: { id?: unknown } }) => (asked.push([subject, where]), `${String(where.tenant?.id)}-alice`);
    const subject = { format: 'complex', user: { format: 'email', email: 'alice@example.com' }, tenant: { format: 'opaque', id: 'acme' } };
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject }))).toMatchObject({ ok: true, revokedIds: [acme.session.id] });
    expect(asked).toEqual([[subject.user, { tenant: subject.tenant }]]);
    expect([await live(acme.token), await live(globex.token)]).toEqual([false, true]);
    // A subject with no tenant member says so.
    await sessions.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject: subject.user }), options({ resolveSubject }));
    expect(asked[1]).toEqual([subject.user, {}]);
  });

  describe('a provider user of an app that keeps a user per tenant, whose sign-in through the provider has expired', () => {
    let now: number;
    let timed: SessionManager;
    beforeEach(() => {
      now = Date.now();
      timed = createSessionManager({ store: memoryStore(), clock: () => now, kinds: { browser: { maxAge: 60 * 60_000 } } });
    });
    afterEach(() => timed.close());
    const perTenant = (asked: unknown[]) => (subject: unknown, where: { tenant?: { id?: unknown } }) => (asked.push([subject, where]), `${String(where.tenant?.id)}-alice`);

    it('an account event whose complex subject names a session too asks resolveSubject with the tenant member', async () => {
      const token = await timed.create({ userId: 'acme-alice', tenantId: 'acme', kind: 'api' });
      const asked: unknown[] = [];
      const subject = { format: 'complex', session: { format: 'opaque', id: 'sid-gone' }, user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, tenant: { format: 'opaque', id: 'acme' } };
      expect(await timed.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject: perTenant(asked) }))).toMatchObject({ ok: true, revokedIds: [token.session.id] });
      expect(asked).toEqual([[subject.user, { tenant: subject.tenant }]]);
    });

    it("counts only the sign-ins through the provider in the tenant named (or in none): another tenant's user's does not stand for this one", async () => {
      await timed.create({ userId: 'globex-alice', tenantId: 'globex', federated: { iss: tx.issuer, sub: 'alice', sid: 'g' } });
      const globexToken = await timed.create({ userId: 'globex-alice', tenantId: 'globex', kind: 'api' });
      now += 2 * 60 * 60_000;
      const inAcme = await timed.create({ userId: 'acme-alice', tenantId: 'acme', federated: { iss: tx.issuer, sub: 'alice', sid: 'a' } });
      const asked: unknown[] = [];
      const subject = { format: 'complex', user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, tenant: { format: 'opaque', id: 'globex' } };
      expect(await timed.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject: perTenant(asked) }))).toMatchObject({ ok: true, revokedIds: [globexToken.session.id] });
      expect(asked).toEqual([[subject.user, { tenant: subject.tenant }]]);
      expect([(await timed.validate(globexToken.token)).ok, (await timed.validate(inAcme.token)).ok]).toEqual([false, true]);
    });

    it("ends no session in no tenant of a user found only through a sign-in in another tenant: only that user's sessions in the tenant named", async () => {
      await timed.create({ userId: 'globex-alice', tenantId: 'globex', federated: { iss: tx.issuer, sub: 'alice', sid: 'g' } });
      now += 2 * 60 * 60_000;
      await timed.create({ userId: 'alice', tenantId: 'acme', federated: { iss: tx.issuer, sub: 'alice', sid: 'a' } });
      const personal = await timed.create({ userId: 'alice', kind: 'api' });
      const inGlobex = await timed.create({ userId: 'alice', tenantId: 'globex' });
      const subject = { format: 'complex', user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, tenant: { format: 'opaque', id: 'globex' } };
      expect(await timed.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject }), options({ resolveSubject: () => undefined }))).toMatchObject({ ok: true, revokedIds: [inGlobex.session.id] });
      expect((await timed.validate(personal.token)).ok).toBe(true);
      // The same when the subject names a provider session too (CAEP's shape): the user member's reach is kept.
      const again = await timed.create({ userId: 'alice', tenantId: 'globex' });
      const withSession = { ...subject, session: { format: 'opaque', id: 'sid-unknown' } };
      expect(await timed.securityEvent(await tx.sign({ type: EVENTS.accountDisabled, subject: withSession }), options({ resolveSubject: () => undefined }))).toMatchObject({ ok: true, revokedIds: [again.session.id] });
      expect((await timed.validate(personal.token)).ok).toBe(true);
    });
  });

  it('a tenant member without a format is a malformed subject, refused before anything ends', async () => {
    const here = await viaProvider('u1', 'alice', 'sid-1');
    for (const tenant of [{ id: 'acme' }, { format: 7, id: 'acme' }]) {
      const subject = { format: 'complex', session: { format: 'opaque', id: 'sid-1' }, tenant };
      expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.credentialChange, subject }), options())).toMatchObject({ ok: false, err: 'invalid_request' });
    }
    expect(await live(here.token)).toBe(true);
  });

  it('credential-change keeps no session under "others" when the subject names a tenant it cannot match (more, never less)', async () => {
    const here = await viaProvider('u1', 'alice', 'sid-1');
    const local = await sessions.create({ userId: 'u1' });
    const subject = { format: 'complex', session: { format: 'opaque', id: 'sid-1' }, user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, tenant: { format: 'iss_sub', iss: tx.issuer, sub: 'org-1' } };
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.credentialChange, subject }), options())).toMatchObject({ ok: true });
    expect([await live(here.token), await live(local.token)]).toEqual([false, false]);
  });

  // CAEP 1.0 section 3.1's own example names the provider's tenant beside the session and the user: an app that keeps sessions in no tenant must still end them.
  for (const type of [EVENTS.sessionRevoked, EVENTS.accountDisabled, EVENTS.credentialChange]) {
    it(`${type.split('/').pop()} whose complex subject names a tenant ends the subject's sessions in no tenant too, never another tenant's`, async () => {
      const plain = await viaProvider('u1', 'alice', 'sid-1');
      const inAcme = await sessions.create({ userId: 'u1', tenantId: 'acme', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
      const inGlobex = await sessions.create({ userId: 'u1', tenantId: 'globex', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
      const subject = { format: 'complex', session: { format: 'opaque', id: 'sid-1' }, user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, tenant: { format: 'opaque', id: 'acme' } };
      const result = await sessions.securityEvent(await tx.sign({ type, subject }), options());
      expect(result).toMatchObject({ ok: true });
      expect(result.ok && [...result.revokedIds].sort()).toEqual([plain.session.id, inAcme.session.id].sort());
      expect([await live(plain.token), await live(inAcme.token), await live(inGlobex.token)]).toEqual([false, false, true]);
    });
  }

  for (const [name, type] of [
    ['SSF verification (SSF 1.0 section 8.1.4.1)', EVENTS.verification],
    ['an unknown type (RISC account-enabled, section 2.4)', EVENTS.accountEnabled],
    ['a made-up type', 'https://example.com/event-type/whatever'],
  ] as const) {
    it(`${name} is acknowledged and ends nothing`, async () => {
      const signedIn = await viaProvider('u1', 'alice', 'sid-1');
      const result = await sessions.securityEvent(await tx.sign({ type, event: { state: 'abc' }, subject: { format: 'opaque', id: 'sid-1' } }), options());
      expect(result).toMatchObject({ ok: true, eventType: type, revokedIds: [], replayed: false });
      expect(await live(signedIn.token)).toBe(true);
    });
  }

  it('a replayed jti answers ok, replayed, and ends nothing a second time (RFC 8417 section 2.2 jti; SSF 1.0 section 4.1)', async () => {
    const set = await tx.sign({ subject: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' } });
    const first = await viaProvider('u1', 'alice', 'sid-1');
    expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, revokedIds: [first.session.id], replayed: false });
    const signedInSince = await viaProvider('u1', 'alice', 'sid-2');
    expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, revokedIds: [], replayed: true });
    expect(await live(signedInSince.token)).toBe(true);
  });
});
