import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { storeOperations } from '../../src/storage/index.js';
import type { SessionStore } from '../../src/store.js';
import { hashSecret } from '../../src/token.js';

const MINUTE = 60_000;
const ROTATION = { rotateAfter: 10 * MINUTE, rotationGrace: MINUTE };
const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function setup() {
  let now = 1_800_000_000_000;
  const store = memoryStore();
  const sessions = createSessionManager({ store, clock: () => now, kinds: { remember: ROTATION }, accessTokens: { secret: 'rotation-test-access-token-secret-0123456789' } });
  return { store, sessions, at: (ms: number) => (now = 1_800_000_000_000 + ms) };
}

async function rotatedOnce() {
  const context = setup();
  const { token, session } = await context.sessions.create({ userId: 'ada', kind: 'remember', userAgent: CHROME });
  context.at(ROTATION.rotateAfter);
  const result = await context.sessions.validate(token);
  if (!result.ok || result.rotatedToken === undefined) throw new Error('expected a rotation');
  return { ...context, token, session, successor: result.rotatedToken };
}

describe('rotation in the manager', () => {
  it('stores hashes only: the successor is nowhere in the row, the previous secret is kept as its hash', async () => {
    const { store, session, token, successor } = await rotatedOnce();
    const row = (await store.get(session.id))!.session;
    expect(Buffer.from(row.secretHash).equals(hashSecret(successor.split('.')[1]!))).toBe(true);
    expect(Buffer.from(row.previousSecretHash!).equals(hashSecret(token.split('.')[1]!))).toBe(true);
    expect(row.rotatedAt).toBe(1_800_000_000_000 + ROTATION.rotateAfter);
    expect(JSON.stringify(row)).not.toContain(successor.split('.')[1]);
  });

  it('hands the store each hash in 32 bytes of its own, at sign-in and at rotation: a store reading `.buffer` keeps nothing else', async () => {
    let now = 1_800_000_000_000;
    const inner = memoryStore();
    const kept: number[] = [];
    const store: SessionStore = {
      ...inner,
      apply: (batch) => {
        for (const write of batch.writes) if (write.type === 'insert') kept.push(write.session.secretHash.buffer.byteLength, write.session.previousSecretHash?.buffer.byteLength ?? 0);
        return inner.apply(batch);
      },
    };
    const sessions = createSessionManager({ store, clock: () => now, kinds: { remember: ROTATION } });
    const { token } = await sessions.create({ userId: 'ada', kind: 'remember' });
    now += ROTATION.rotateAfter;
    expect(await sessions.validate(token)).toMatchObject({ ok: true, rotatedToken: expect.any(String) });
    expect(kept).toEqual([32, 0, 32, 32]);
  });

  it('a sign-in presenting the previous token inside the grace ends that session, as with the current one', async () => {
    const { sessions, token, session, at } = await rotatedOnce();
    at(ROTATION.rotateAfter + 1_000);
    await sessions.create({ userId: 'ada', kind: 'remember', userAgent: CHROME, previousToken: token });
    expect((await sessions.list('ada')).map((view) => view.id)).not.toContain(session.id);
  });

  it('the write refuses a revoked row and a secret that is neither the current nor the previous one, writing nothing', async () => {
    const { store, session, token, successor, at } = await rotatedOnce();
    const operations = storeOperations(store);
    const version = (await store.readUser('ada')).version;
    expect(await operations.rotate('ada', session.id, 'A'.repeat(43), Date.now())).toBeNull();
    // The previous secret joins the rotation already made: the same successor, nothing written.
    expect((await operations.rotate('ada', session.id, token.split('.')[1]!, Date.now()))?.secret).toBe(successor.split('.')[1]);
    expect((await store.readUser('ada')).version).toBe(version);
    at(ROTATION.rotateAfter + 1);
    await operations.revoke(session.id, { at: 1, reason: 'sign_out' });
    expect(await operations.rotate('ada', session.id, successor.split('.')[1]!, Date.now())).toBeNull();
  });

  it('reuse is decided again on the row the write reads: inside the grace it ends nothing', async () => {
    const { store, session, token } = await rotatedOnce();
    const operations = storeOperations(store);
    const row = (await store.get(session.id))!.session;
    const options = { at: row.rotatedAt! + ROTATION.rotationGrace - 1, reason: 'token_reused', rotationGrace: ROTATION.rotationGrace };
    expect(await operations.revokeReused('ada', session.id, token.split('.')[1]!, options)).toBeNull();
    expect((await store.get(session.id))!.session.revokedAt).toBeUndefined();
    const ended = await operations.revokeReused('ada', session.id, token.split('.')[1]!, { ...options, at: row.rotatedAt! + ROTATION.rotationGrace });
    expect(ended?.id).toBe(session.id);
    expect((await store.get(session.id))!.session.revokedReason).toBe('token_reused');
  });

  it('a retired secret and the exact rotation time are not enough to compute the successor: a random salt, kept in the row, is in it', async () => {
    const { store, sessions, session, token, successor } = await rotatedOnce();
    const [id, retired] = token.split('.') as [string, string];
    const row = (await store.get(session.id))!.session;
    expect(row.rotationSalt).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // What a thief holding the retired cookie can compute, even knowing rotatedAt to the millisecond.
    const guess = `${id}.${createHmac('sha256', retired).update(`session-revocation/rotation/v1\n${id}\n${row.rotatedAt}`).digest('base64url')}`;
    expect(guess).not.toBe(successor);
    expect(await sessions.validate(guess)).toEqual({ ok: false, reason: 'not_found' });
  });

  it('a copy used twice past rotateAfter while the owner was away: the owner\'s return ends the session for both, as reuse, in the activity', async () => {
    const { store, sessions, session, token: owners, successor: thiefs, at } = await rotatedOnce();
    const leaked = (await store.get(session.id))!.session;
    at(2 * ROTATION.rotateAfter);
    const second = await sessions.validate(thiefs);
    if (!second.ok || second.rotatedToken === undefined) throw new Error('expected a second rotation');
    // A fresh salt each rotation: a copy of the store from before it and every retired cookie do not give the new one.
    const row = (await store.get(session.id))!.session;
    expect(row.rotationSalt).not.toBe(leaked.rotationSalt);
    const fromLeak = createHmac('sha256', thiefs.split('.')[1]!).update(`session-revocation/rotation/v1\n${session.id}\n${row.rotatedAt}\n${leaked.rotationSalt}`).digest('base64url');
    expect(`${session.id}.${fromLeak}`).not.toBe(second.rotatedToken);
    // The row keeps the hashes of retired secrets, not the secrets.
    expect(Buffer.from(row.retiredSecretHashes!, 'base64url').equals(hashSecret(owners.split('.')[1]!))).toBe(true);
    at(3 * ROTATION.rotateAfter);
    expect(await sessions.validate(owners)).toEqual({ ok: false, reason: 'reused' });
    expect(await sessions.validate(second.rotatedToken)).toEqual({ ok: false, reason: 'reused' });
    expect(await sessions.liveness(session.id)).toEqual({ live: false, reason: 'reused' });
    const [latest] = await sessions.activity('ada', { limit: 1 });
    expect([latest?.type, latest?.sessionId]).toEqual(['session.reused', session.id]);
  });

  it('validate(): the previous token inside the grace gets the same successor, after it ends the session as reused', async () => {
    const { sessions, token, successor, at } = await rotatedOnce();
    at(ROTATION.rotateAfter + ROTATION.rotationGrace - 1);
    expect(await sessions.validate(token)).toMatchObject({ ok: true, rotatedToken: successor });
    at(ROTATION.rotateAfter + ROTATION.rotationGrace);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'reused' });
    // Both tokens, every time after: the owner learns why as well as the thief.
    for (let i = 0; i < 2; i++) for (const presented of [successor, token]) expect(await sessions.validate(presented)).toEqual({ ok: false, reason: 'reused' });
  });

  it("validate() with bearer: true refuses a rotating kind's token, due or not, and rotates nothing; another kind's token is let in", async () => {
    const { store, sessions, at } = setup();
    const { token, session } = await sessions.create({ userId: 'ada', kind: 'remember', userAgent: CHROME });
    const api = await sessions.create({ userId: 'ada', kind: 'api' });
    for (const when of [0, ROTATION.rotateAfter]) {
      at(when);
      expect(await sessions.validate(token, { bearer: true })).toEqual({ ok: false, reason: 'not_found' });
      expect((await store.get(session.id))?.session.rotatedAt).toBeUndefined();
      expect(await sessions.validate(api.token, { bearer: true })).toMatchObject({ ok: true, session: { id: api.session.id } });
    }
    // The same token from a cookie is still the owner's, and rotates.
    expect(await sessions.validate(token, { bearer: false })).toMatchObject({ ok: true, rotatedToken: expect.any(String) });
  });

  it('validate() with bearer: true still ends a session whose retired token came back after the grace', async () => {
    const { sessions, token, at } = await rotatedOnce();
    at(ROTATION.rotateAfter + ROTATION.rotationGrace);
    expect(await sessions.validate(token, { bearer: true })).toEqual({ ok: false, reason: 'reused' });
  });

  it('validate() takes options without bearer, and a Bearer token of a kind this manager does not declare (another deployment made it)', async () => {
    const { store, sessions } = setup();
    const { token } = await sessions.create({ userId: 'ada', kind: 'remember', userAgent: CHROME });
    expect(await sessions.validate(token, {})).toMatchObject({ ok: true });
    expect(await sessions.validate(token, { bearer: undefined })).toMatchObject({ ok: true });
    const mobile = await createSessionManager({ store, clock: () => 1_800_000_000_000, kinds: { mobile: {} } }).create({ userId: 'ada', kind: 'mobile' });
    expect(await sessions.validate(mobile.token, { bearer: true })).toMatchObject({ ok: true, session: { kind: 'mobile' } });
  });

  it.each([[false], ['yes'], [null], [[]], [{ bearer: 'yes' }], [{ bearer: 1 }], [{ rotate: 'no' }], [{ touch: 0 }], [{ Bearer: true }]])('validate() refuses options %j as INVALID_INPUT', async (options) => {
    const { sessions } = setup();
    const { token } = await sessions.create({ userId: 'ada' });
    await expect(sessions.validate(token, options as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'validate() options must be { bearer?: boolean, touch?: boolean, rotate?: boolean }.' });
  });

  it('validate(): a wrong secret for a known id is not found and changes nothing, inside the grace and after it', async () => {
    const { store, sessions, session, successor, at } = await rotatedOnce();
    const events: string[] = [];
    sessions.on('*', (event) => void events.push(event.type));
    const version = (await store.readUser('ada')).version;
    for (const ms of [ROTATION.rotateAfter + 1, ROTATION.rotateAfter + ROTATION.rotationGrace + 1, 2 * ROTATION.rotateAfter]) {
      at(ms);
      expect(await sessions.validate(`${session.id}.${'A'.repeat(43)}`)).toEqual({ ok: false, reason: 'not_found' });
    }
    expect([(await store.readUser('ada')).version, events]).toEqual([version, []]);
    expect((await sessions.validate(successor)).ok).toBe(true);
  });

  it('validate(): a revoked session\'s cookie from two rotations back is revoked, not reuse', async () => {
    const { sessions, token, successor, at } = await rotatedOnce();
    at(2 * ROTATION.rotateAfter);
    const second = await sessions.validate(successor);
    expect(second).toMatchObject({ ok: true, rotatedToken: expect.any(String) });
    await sessions.revokeAll('ada');
    for (const presented of [token, successor]) expect(await sessions.validate(presented)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('validate(): "sign out everywhere" inside the grace refuses the previous token and its successor', async () => {
    const { sessions, token, successor, at } = await rotatedOnce();
    at(ROTATION.rotateAfter + 1);
    await sessions.revokeAll('ada');
    for (const presented of [token, successor]) expect(await sessions.validate(presented)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('reuse is in the activity with the device, and refuses an access token minted before the rotation, which worked until then', async () => {
    const { sessions, at } = setup();
    const { token, session } = await sessions.create({ userId: 'ada', kind: 'remember', userAgent: CHROME });
    at(ROTATION.rotateAfter - 1_000);
    const jwt = await sessions.issueAccessToken(session);
    at(ROTATION.rotateAfter);
    expect(await sessions.validate(token)).toMatchObject({ ok: true, rotatedToken: expect.any(String) });
    expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    at(ROTATION.rotateAfter + ROTATION.rotationGrace);
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'reused' });
    expect(await sessions.verifyAccessToken(jwt)).toEqual({ ok: false, reason: 'revoked' });
    const [latest] = await sessions.activity('ada', { limit: 1 });
    expect([latest?.type, latest?.reason, latest?.sessionId, latest?.deviceLabel]).toEqual(['session.reused', 'token_reused', session.id, 'Chrome on Mac OS']);
  });

  it("validate(): the previous token is not found when the row's current secret is not its successor", async () => {
    const { store, token, at } = await rotatedOnce();
    const other: typeof store = {
      ...store,
      get: async (sessionId) => {
        const found = await store.get(sessionId);
        return found === null ? null : { ...found, session: { ...found.session, secretHash: hashSecret('B'.repeat(43)) } };
      },
    };
    at(ROTATION.rotateAfter + 1_000);
    expect(await createSessionManager({ store: other, clock: () => 1_800_000_000_000 + ROTATION.rotateAfter + 1_000, kinds: { remember: ROTATION } }).validate(token)).toEqual({
      ok: false,
      reason: 'not_found',
    });
  });

  it('a store answering a rotated row without its salt is a store error, for validate() and the rotation write alike', async () => {
    const { store, session, token, successor, at } = await rotatedOnce();
    const saltless: typeof store = {
      ...store,
      get: async (sessionId) => {
        const found = await store.get(sessionId);
        return found === null ? null : { ...found, session: { ...found.session, rotationSalt: undefined } };
      },
      readUser: async (userId, tenantId, sessionId) => {
        const state = await store.readUser(userId, tenantId, sessionId);
        return { ...state, sessions: state.sessions.map((row) => ({ ...row, rotationSalt: undefined })) };
      },
    };
    at(ROTATION.rotateAfter + 1_000);
    const sessions = createSessionManager({ store: saltless, clock: () => 1_800_000_000_000 + ROTATION.rotateAfter + 1_000, kinds: { remember: ROTATION } });
    for (const presented of [token, successor]) await expect(sessions.validate(presented)).rejects.toMatchObject({ code: 'STORE_ERROR' });
    await expect(storeOperations(saltless).rotate('ada', session.id, token.split('.')[1]!, Date.now())).rejects.toMatchObject({ code: 'STORE_ERROR' });
  });
});

