import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, memoryStore, SessionError, type SessionManager, type SessionStore } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from '../federated/support/issuer.js';
import { SHARED_STORE_KINDS, type SharedStore } from '../federated/support/shared-stores.js';
import { EVENTS, startTransmitter, type TestTransmitter } from './support/transmitter.js';

// A SET's jti is kept per transmitter in the store once a delivery acted on it (RFC 8417
// section 2.2: jti unique per issuer; RFC 8935 section 2 lets a transmitter deliver again), on
// every instance sharing the store; a delivery that failed, or one still at work, keeps nothing.

let tx: TestTransmitter;
beforeAll(async () => {
  tx = await startTransmitter();
});
afterAll(() => tx.close());
const options = () => ({ transmitters: [tx.config()] });

for (const kind of SHARED_STORE_KINDS) {
  describe.skipIf(!(await kind.up()))(`SET replay on ${kind.name}, two instances`, () => {
    let shared: SharedStore;
    let managers: readonly [SessionManager, SessionManager];
    beforeAll(async () => {
      shared = await kind.share('setreplay');
      managers = [createSessionManager({ store: shared.stores[0] }), createSessionManager({ store: shared.stores[1] })];
    });
    afterAll(async () => {
      await Promise.all(managers.map((manager) => manager.close()));
      await shared.cleanup();
    });

    it('a SET delivered to one instance and again to the other ends the sessions once; the replay answers ok, replayed', async () => {
      const first = await managers[0].create({ userId: 'r1', federated: { iss: tx.issuer, sub: 'rob', sid: 'r-sid-1' } });
      const set = await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'iss_sub', iss: tx.issuer, sub: 'rob' } });
      expect(await managers[0].securityEvent(set, options())).toMatchObject({ ok: true, replayed: false, revokedIds: [first.session.id] });
      const since = await managers[1].create({ userId: 'r1', federated: { iss: tx.issuer, sub: 'rob', sid: 'r-sid-2' } });
      expect(await managers[1].securityEvent(set, options())).toMatchObject({ ok: true, replayed: true, revokedIds: [] });
      expect((await managers[0].validate(since.token)).ok).toBe(true);
    });

    it('of two instances racing the same SET, the sessions end once, only a delivery after a finished one is a replay, and a third is one (10 of 10 races)', async () => {
      for (let race = 0; race < 10; race++) {
        const signedIn = await managers[0].create({ userId: `racer-${race}`, federated: { iss: tx.issuer, sub: `racer-${race}`, sid: `race-${race}` } });
        const set = await tx.sign({ subject: { format: 'opaque', id: `race-${race}` } });
        const answers = await Promise.all(managers.map((manager) => manager.securityEvent(set, options())));
        expect(answers.every((answer) => answer.ok)).toBe(true);
        expect(answers.flatMap((answer) => (answer.ok ? answer.revokedIds : []))).toEqual([signedIn.session.id]);
        expect((await managers[1].validate(signedIn.token)).ok).toBe(false);
        expect(await managers[race % 2]!.securityEvent(set, options())).toMatchObject({ ok: true, replayed: true, revokedIds: [] });
      }
    });
  });
}

describe('SET and logout token ids live in separate namespaces', () => {
  let idp: HomeIssuer;
  let sessions: SessionManager;
  beforeAll(async () => {
    idp = await startHomeIssuer();
    sessions = createSessionManager({ store: memoryStore() });
  });
  afterAll(async () => {
    await sessions.close();
    await idp.close();
  });

  it('a logout token and a SET from the same issuer with the same jti are both accepted', async () => {
    // The same issuer URL serves OpenID discovery and SSF discovery here.
    const both = await startTransmitter();
    try {
      const jti = 'shared-id';
      const fromLogout = await sessions.create({ userId: 'n1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-1' } });
      expect(await sessions.backchannelLogout(await idp.logoutToken({ claims: { jti } }), { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] })).toMatchObject({ ok: true, revokedIds: [fromLogout.session.id] });
      // The SET names the logout token's issuer, with keys from the transmitter.
      const set = await both.sign({ claims: { jti, iss: idp.issuer }, subject: { format: 'opaque', id: 'sid-2' } });
      const fromSet = await sessions.create({ userId: 'n1', federated: { iss: idp.issuer, sub: 'alice', sid: 'sid-2' } });
      const result = await sessions.securityEvent(set, { transmitters: [{ issuer: idp.issuer, audience: both.audience, jwksUri: `${both.issuer}/jwks` }] });
      expect(result).toMatchObject({ ok: true, replayed: false, revokedIds: [fromSet.session.id] });
    } finally {
      await both.close();
    }
  });
});

// A memory store whose next batch on a token id (a `once:` key) with this version answers `outcome` instead, once armed.
function failingOnce(version: number | undefined, outcome: () => Promise<boolean>): { store: SessionStore; arm: () => void } {
  const inner = memoryStore();
  let armed = false;
  const store: SessionStore = {
    ...inner,
    async apply(batch) {
      if (!armed || batch.version !== version || !batch.writes.some((write) => write.type === 'putKey' && write.key.startsWith('once:'))) return inner.apply(batch);
      armed = false;
      return outcome();
    },
  };
  return { store, arm: () => void (armed = true) };
}

describe('a SET whose sessions could not be ended is not remembered', () => {
  it('ending fails (store down): the call rejects, the session lives, and the next delivery ends it', async () => {
    const inner = memoryStore();
    let failRevoke = false;
    const store: SessionStore = {
      ...inner,
      async apply(batch) {
        if (failRevoke && batch.writes.some((write) => write.type === 'revoke')) throw new SessionError('STORE_UNAVAILABLE', 'revoke failed (injected).');
        return inner.apply(batch);
      },
    };
    const sessions = createSessionManager({ store });
    try {
      const signedIn = await sessions.create({ userId: 'f1', federated: { iss: tx.issuer, sub: 'fay', sid: 'f-sid' } });
      const set = await tx.sign({ subject: { format: 'opaque', id: 'f-sid' } });
      failRevoke = true;
      const failed = await sessions.securityEvent(set, options()).catch((error: unknown) => error);
      expect(isSessionError(failed) && failed.code).toBe('STORE_UNAVAILABLE');
      failRevoke = false;
      expect((await sessions.validate(signedIn.token)).ok).toBe(true);
      expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, replayed: false, revokedIds: [signedIn.session.id] });
    } finally {
      await sessions.close();
    }
  });

  it("keeping the SET's id fails once the sessions ended: the call rejects, the next delivery answers ok (not a replay) ending nothing more, and a third is a replay", async () => {
    const { store, arm } = failingOnce(undefined, () => Promise.reject(new SessionError('STORE_UNAVAILABLE', 'keeping the id failed (injected).')));
    const sessions = createSessionManager({ store });
    try {
      const signedIn = await sessions.create({ userId: 'f2', federated: { iss: tx.issuer, sub: 'fay', sid: 'f-sid-2' } });
      const set = await tx.sign({ subject: { format: 'opaque', id: 'f-sid-2' } });
      arm();
      await expect(sessions.securityEvent(set, options())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect((await sessions.validate(signedIn.token)).ok).toBe(false);
      expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, replayed: false, revokedIds: [] });
      expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, replayed: true, revokedIds: [] });
    } finally {
      await sessions.close();
    }
  });

  it('a claim of its id refused although nobody holds it (PostgreSQL under serializable isolation): the call rejects, nothing is kept, and the next delivery ends the session', async () => {
    const { store, arm } = failingOnce(0, async () => false);
    const sessions = createSessionManager({ store });
    try {
      const signedIn = await sessions.create({ userId: 'f3', federated: { iss: tx.issuer, sub: 'flo', sid: 'f-sid-3' } });
      const set = await tx.sign({ subject: { format: 'opaque', id: 'f-sid-3' } });
      arm();
      await expect(sessions.securityEvent(set, options())).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
      expect((await sessions.validate(signedIn.token)).ok).toBe(true);
      expect(await sessions.securityEvent(set, options())).toMatchObject({ ok: true, replayed: false, revokedIds: [signedIn.session.id] });
    } finally {
      await sessions.close();
    }
  });
});

describe('a SET delivered again after it was acted on', () => {
  it('answers ok, replayed, without asking resolveSubject: a user directory that is down meanwhile fails nothing', async () => {
    const sessions = createSessionManager({ store: memoryStore() });
    try {
      let asked = 0;
      const transmitters = [tx.config({ resolveSubject: () => (++asked === 1 ? 'u1' : Promise.reject(new Error('user directory down'))) })];
      const set = await tx.sign({ type: EVENTS.accountDisabled, subject: { format: 'email', email: 'ada@example.com' } });
      expect(await sessions.securityEvent(set, { transmitters })).toMatchObject({ ok: true, replayed: false });
      expect(await sessions.securityEvent(set, { transmitters })).toMatchObject({ ok: true, replayed: true, revokedIds: [] });
      expect(asked).toBe(1);
    } finally {
      await sessions.close();
    }
  });
});
