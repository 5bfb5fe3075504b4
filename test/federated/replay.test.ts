import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptableUntil } from '../../src/federated/logout-token.js';
import { createSessionManager, memoryStore, type SessionManager } from '../../src/index.js';
import { startHomeIssuer, type HomeIssuer } from './support/issuer.js';
import { SHARED_STORE_KINDS, type SharedStore } from './support/shared-stores.js';

// "Never accepted twice", on the stores that instances share: across the whole window jose
// accepts a token in, and when two instances receive the same token at the same moment.

for (const kind of SHARED_STORE_KINDS) {
  describe.skipIf(!(await kind.up()))(`logout token replay on ${kind.name}, two instances`, () => {
    let idp: HomeIssuer;
    let shared: SharedStore;
    let managers: readonly [SessionManager, SessionManager];
    beforeAll(async () => {
      idp = await startHomeIssuer();
      shared = await kind.share('replay');
      managers = [createSessionManager({ store: shared.stores[0] }), createSessionManager({ store: shared.stores[1] })];
    });
    afterAll(async () => {
      await Promise.all(managers.map((manager) => manager.close()));
      await shared.cleanup();
      await idp.close();
    });
    const options = () => ({ issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] });

    it('a token at the very end of its window, delivered twice within its last second, is accepted once', async () => {
      // jose compares whole seconds: with the default maxTokenAge (300 s) and its 60 s clock
      // tolerance, iat = now - 360 s is accepted until the end of the current second.
      for (let attempt = 0; ; attempt++) {
        const second = Math.floor(Date.now() / 1000);
        const token = await idp.logoutToken({ claims: { iat: second - 360 } });
        const first = await managers[0].backchannelLogout(token, options());
        const again = await managers[0].backchannelLogout(token, options());
        // Both in that one second, or the second one was refused for its age: try again.
        if (Math.floor(Date.now() / 1000) !== second && attempt < 5) continue;
        expect(first).toEqual({ ok: true, issuer: idp.issuer, revokedIds: [] });
        expect(again).toEqual({ ok: false, reason: 'replayed' });
        break;
      }
    });

    it('of two instances racing the same token, the session ends once, at most one answer is a replay, and a third delivery is a replay (20 of 20 races)', async () => {
      for (let race = 0; race < 20; race++) {
        const signedIn = await managers[0].create({ userId: `racer-${race}`, federated: { iss: idp.issuer, sub: 'alice', sid: `race-${race}` } });
        const token = await idp.logoutToken({ claims: { sid: `race-${race}` } });
        const answers = await Promise.all(managers.map((manager) => manager.backchannelLogout(token, options())));
        // A replay only of a delivery that had finished: one at most.
        expect(['ok+ok', 'ok+replayed']).toContain(answers.map((answer) => (answer.ok ? 'ok' : answer.reason)).sort().join('+'));
        expect(answers.flatMap((answer) => (answer.ok ? answer.revokedIds : []))).toEqual([signedIn.session.id]);
        expect((await managers[1].validate(signedIn.token)).ok).toBe(false);
        expect(await managers[race % 2]!.backchannelLogout(token, options())).toEqual({ ok: false, reason: 'replayed' });
      }
    });
  });
}

describe('how long a logout token id is remembered', () => {
  let idp: HomeIssuer;
  beforeAll(async () => {
    idp = await startHomeIssuer();
  });
  afterAll(() => idp.close());

  it('until exactly the first instant jose refuses the token for its age, whatever maxTokenAge', async () => {
    const iat = Math.floor(Date.now() / 1000);
    for (const maxTokenAge of [1_000, 1_500, 59_999, 300_000, 3_600_000]) {
      const until = acceptableUntil(iat, maxTokenAge);
      const token = await idp.logoutToken({ claims: { iat } });
      const at = (now: number) =>
        createSessionManager({ store: memoryStore(), clock: () => now }).backchannelLogout(token, { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }], maxTokenAge });
      expect(await at(until - 1)).toMatchObject({ ok: true });
      expect(await at(until)).toEqual({ ok: false, reason: 'bad_iat' });
    }
  });

  it('and past that as long as another instance may accept it: a prune on a clock 20 s ahead leaves it for one on time', async () => {
    const store = memoryStore();
    const iat = Math.floor(Date.now() / 1000);
    let now = iat * 1000 + 1_000;
    const [onTime, ahead] = [createSessionManager({ store, clock: () => now }), createSessionManager({ store, clock: () => now + 20_000 })];
    const options = { issuers: [{ issuer: idp.issuer, clientId: idp.clientId }] };
    const token = await idp.logoutToken({ claims: { iat, sid: 'idp-sid' } });
    expect(await onTime.backchannelLogout(token, options)).toMatchObject({ ok: true });
    now = acceptableUntil(iat, 300_000) - 10_000;
    const again = await onTime.create({ userId: 'alice', federated: { iss: idp.issuer, sub: 'alice', sid: 'idp-sid' } });
    await ahead.prune();
    expect(await onTime.backchannelLogout(token, options)).toEqual({ ok: false, reason: 'replayed' });
    expect((await onTime.validate(again.token)).ok).toBe(true);
  });
});
