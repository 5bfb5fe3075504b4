import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore, SessionError, type SessionManager } from '../../src/index.js';
import { EVENTS, startTransmitter, type TestTransmitter } from './support/transmitter.js';

// A provider's tenant ids (an Okta org id) are rarely the app's: resolveTenant maps a complex
// subject's tenant member to the app's tenant, or says it names none of the app's.

describe("securityEvent(): a transmitter's resolveTenant", () => {
  let tx: TestTransmitter;
  let sessions: SessionManager;
  beforeEach(async () => {
    tx = await startTransmitter();
    sessions = createSessionManager({ store: memoryStore() });
  });
  afterEach(async () => {
    await sessions.close();
    await tx.close();
  });
  const live = async (token: string) => (await sessions.validate(token)).ok;
  const inTenant = (tenantId: string) => sessions.create({ userId: 'u1', tenantId, federated: { iss: tx.issuer, sub: 'alice' } });
  const disabled = (tenant: object) => tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'complex', user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, tenant } });

  it("maps the provider's tenant to the app's: the event ends the subject's sessions in that tenant only", async () => {
    const acme = await inTenant('acme');
    const globex = await inTenant('globex');
    const asked: unknown[] = [];
    const resolveTenant = (tenant: unknown) => (asked.push(tenant), 'acme');
    const result = await sessions.securityEvent(await disabled({ format: 'opaque', id: '00o1a2b3c4' }), { transmitters: [tx.config({ resolveTenant })] });
    expect(result).toMatchObject({ ok: true, revokedIds: [acme.session.id] });
    expect(asked).toEqual([{ format: 'opaque', id: '00o1a2b3c4' }]);
    expect([await live(acme.token), await live(globex.token)]).toEqual([false, true]);
  });

  it('a tenant it maps to none of the app\'s limits nothing: the subject\'s sessions end in every tenant (more, never less)', async () => {
    const acme = await inTenant('acme');
    const globex = await inTenant('globex');
    for (const none of [undefined, null]) {
      const result = await sessions.securityEvent(await disabled({ format: 'opaque', id: `org-${String(none)}` }), { transmitters: [tx.config({ resolveTenant: () => none })] });
      expect(result).toMatchObject({ ok: true });
    }
    expect([await live(acme.token), await live(globex.token)]).toEqual([false, false]);
  });

  it('without it an opaque tenant id is taken as the app\'s, as sent', async () => {
    const acme = await inTenant('acme');
    expect(await sessions.securityEvent(await disabled({ format: 'opaque', id: 'globex' }), { transmitters: [tx.config()] })).toMatchObject({ ok: true, revokedIds: [] });
    expect(await live(acme.token)).toBe(true);
  });

  it('an answer that is not a tenant id rejects the call and ends nothing; a function it must be', async () => {
    const acme = await inTenant('acme');
    await expect(sessions.securityEvent(await disabled({ format: 'opaque', id: 'org' }), { transmitters: [tx.config({ resolveTenant: () => 'a\u0000b' })] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await live(acme.token)).toBe(true);
    await expect(sessions.securityEvent(await disabled({ format: 'opaque', id: 'org' }), { transmitters: [tx.config({ resolveTenant: 'acme' as never })] })).rejects.toThrow(SessionError);
  });

  it('an answer that is not a tenant id rejects a session-revoked too, before its provider session ends', async () => {
    const plain = await sessions.create({ userId: 'u1', federated: { iss: tx.issuer, sub: 'alice', sid: 'sid-1' } });
    const subject = { format: 'complex', session: { format: 'opaque', id: 'sid-1' }, tenant: { format: 'opaque', id: 'org' } };
    const set = await tx.sign({ type: EVENTS.sessionRevoked, subject });
    await expect(sessions.securityEvent(set, { transmitters: [tx.config({ resolveTenant: () => '' })] })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await live(plain.token)).toBe(true);
  });

  it('a malformed subject is refused (400 invalid_request) before the resolvers are asked, so one that throws cannot make it come back forever', async () => {
    const acme = await inTenant('acme');
    const asked: string[] = [];
    const resolveTenant = () => (asked.push('tenant'), Promise.reject(new Error('unknown org')));
    const resolveSubject = () => (asked.push('subject'), Promise.reject(new Error('directory lookup failed')));
    const tenant = { format: 'opaque', id: 'org' };
    for (const subject of [
      { format: 'complex', user: { format: 'email', email: 'alice@example.com' }, session: { format: 'opaque', id: 7 }, tenant },
      { format: 'complex', user: { format: 'iss_sub', iss: tx.issuer }, tenant },
    ]) {
      const set = await tx.sign({ type: EVENTS.accountDisabled, subject });
      expect(await sessions.securityEvent(set, { transmitters: [tx.config({ resolveTenant, resolveSubject })] })).toMatchObject({ ok: false, err: 'invalid_request' });
    }
    expect(asked).toEqual([]);
    expect(await live(acme.token)).toBe(true);
  });

  it('a poll round leaves a SET whose resolveTenant throws unacknowledged, ending nothing of it, and acknowledges the others', async () => {
    const acme = await inTenant('acme');
    const other = await sessions.create({ userId: 'u2', federated: { iss: tx.issuer, sub: 'bob', sid: 'sid-2' } });
    const poison = await disabled({ format: 'opaque', id: 'org' });
    tx.queue(poison, await tx.sign({ type: EVENTS.sessionRevoked, subject: { format: 'opaque', id: 'sid-2' } }));
    const resolveTenant = () => Promise.reject(new Error('unknown org'));
    await expect(sessions.pollSecurityEvents({ transmitter: tx.config({ resolveTenant }), endpoint: tx.pollUrl })).rejects.toThrow('unknown org');
    expect([await live(acme.token), await live(other.token)]).toEqual([true, false]);
    expect(tx.pending).toEqual([poison]);
  });

  it('is not asked for a SET already acted on, nor for a type that ends nothing', async () => {
    let asked = 0;
    const resolveTenant = () => (++asked === 1 ? 'acme' : Promise.reject(new Error('directory down')));
    const transmitters = [tx.config({ resolveTenant })];
    const set = await disabled({ format: 'opaque', id: 'org' });
    expect(await sessions.securityEvent(set, { transmitters })).toMatchObject({ ok: true, replayed: false });
    expect(await sessions.securityEvent(set, { transmitters })).toMatchObject({ ok: true, replayed: true });
    const subject = { format: 'complex', user: { format: 'iss_sub', iss: tx.issuer, sub: 'alice' }, tenant: { format: 'opaque', id: 'org' } };
    expect(await sessions.securityEvent(await tx.sign({ type: EVENTS.verification, subject }), { transmitters })).toMatchObject({ ok: true, revokedIds: [] });
    expect(asked).toBe(1);
  });
});
