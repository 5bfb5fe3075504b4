import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { TestClock, UA } from '../support/clock.js';
import { startApp } from './support/apps.js';
import { record } from './support/figures.js';
import { cookieSet, send } from './support/http.js';
import { availableStores, kitsOfThisFile } from './support/kits.js';

const stores = await availableStores();
const kits = kitsOfThisFile();

const TOKENS = 100_000;
const SECRET = 'reliability-suite-hs256-secret-0123456789';

/** Counts set bits per bit position over many equal-length byte strings. */
function bitBalance(samples: readonly Buffer[]): { min: number; max: number } {
  const width = samples[0]!.length * 8;
  const ones = new Array<number>(width).fill(0);
  for (const sample of samples) {
    for (let bit = 0; bit < width; bit++) if ((sample[bit >> 3]! >> (7 - (bit & 7))) & 1) ones[bit]! += 1;
  }
  return { min: Math.min(...ones) / samples.length, max: Math.max(...ones) / samples.length };
}

describe('token hygiene: what sign-in hands out', () => {
  it(`${TOKENS.toLocaleString('en-US')} tokens from create(): all different, each secret 32 random bytes (256 bits), ids and secrets without bias`, async () => {
    const sessions = createSessionManager();
    const tokens = new Set<string>();
    const ids = new Set<string>();
    const prefixes = new Set<string>();
    const secrets: Buffer[] = [];
    const idBytes: Buffer[] = [];
    let malformed = 0;
    for (let index = 0; index < TOKENS; index++) {
      const { token, session } = await sessions.create({ userId: `bulk-${index % 1_000}` });
      const [id, secret] = token.split('.') as [string, string];
      const bytes = Buffer.from(secret, 'base64url');
      // Exactly 32 bytes in canonical base64url: nothing dropped, nothing padded.
      if (bytes.length !== 32 || bytes.toString('base64url') !== secret || id !== session.id || Buffer.from(id, 'base64url').length !== 16) malformed += 1;
      tokens.add(token);
      ids.add(id);
      prefixes.add(bytes.subarray(0, 8).toString('hex'));
      secrets.push(bytes);
      idBytes.push(Buffer.from(id, 'base64url'));
    }
    await sessions.close();
    // Every bit position set in 50% of secrets, ±1% (the standard deviation is 0.16%).
    const secretBits = bitBalance(secrets);
    const idBits = bitBalance(idBytes);
    const broken = malformed + (TOKENS - tokens.size) + (TOKENS - ids.size) + (TOKENS - prefixes.size);
    record('hygiene: 100,000 tokens', { requests: TOKENS, violations: broken + Number(secretBits.min < 0.49 || secretBits.max > 0.51) + Number(idBits.min < 0.49 || idBits.max > 0.51) });
    expect(malformed).toBe(0);
    expect(tokens.size).toBe(TOKENS);
    expect(ids.size).toBe(TOKENS);
    // Not even the first 64 bits of two secrets agree.
    expect(prefixes.size).toBe(TOKENS);
    expect(secretBits.min).toBeGreaterThan(0.49);
    expect(secretBits.max).toBeLessThan(0.51);
    expect(idBits.min).toBeGreaterThan(0.49);
    expect(idBits.max).toBeLessThan(0.51);
  });
});

/** Every form a leaked secret could take in a store: text, whole token, raw bytes, hex, base64. */
function forms(token: string): Array<readonly [string, Buffer]> {
  const [, secret] = token.split('.') as [string, string];
  const raw = Buffer.from(secret, 'base64url');
  return [
    ['token', Buffer.from(token)],
    ['secret as text', Buffer.from(secret)],
    ['secret bytes', raw],
    ['secret hex', Buffer.from(raw.toString('hex'))],
    ['secret HEX', Buffer.from(raw.toString('hex').toUpperCase())],
    ['secret base64', Buffer.from(raw.toString('base64'))],
    ['secret base64 unpadded', Buffer.from(raw.toString('base64').replace(/=+$/, ''))],
  ];
}

/** Where SHA-256(secret) may legitimately sit: the scan must find it, or it is not reading the data. */
function hashForms(token: string): Buffer[] {
  const digest = createHash('sha256').update(token.split('.')[1]!).digest();
  return [digest, Buffer.from(digest.toString('hex')), Buffer.from(digest.toString('base64')), Buffer.from(digest.toString('base64url'))];
}

for (const [name, up] of stores) {
  describe.skipIf(!up)(`token hygiene on ${name}`, () => {
    it('after a run of sign-ins (API and HTTP), touches, revocations and credential changes, no store byte holds a secret in any form; the hashes are there', async () => {
      const kit = await kits.open(name);
      const clock = new TestClock();
      const sessions = createSessionManager({ store: await kit.store(), clock: clock.read, touchInterval: 0, accessTokens: { secret: SECRET }, onError: () => undefined });
      const handedOut: Array<{ token: string; sessionId: string }> = [];
      const jwts: string[] = [];
      const users = ['hygiene-a', 'hygiene-b', 'hygiene-c', 'hygiene-d'];
      const agents = [UA.chromeMac, UA.firefoxWindows, UA.safariIphone, UA.edgeWindows, UA.chromeAndroid, undefined];
      for (let index = 0; index < 48; index++) {
        const userId = users[index % users.length]!;
        const { token, session } = await sessions.create({ userId, userAgent: agents[index % agents.length], ip: `10.0.0.${index}`, data: { note: `n${index}` } });
        handedOut.push({ token, sessionId: session.id });
        jwts.push(await sessions.issueAccessToken(session));
        clock.advance(1_000);
        await sessions.validate(token);
      }
      await sessions.revoke(handedOut[0]!.sessionId);
      await sessions.revokeOthers('hygiene-b', handedOut[1]!.sessionId);
      await sessions.revokeAll('hygiene-c');
      for (const change of [sessions.passwordChanged('hygiene-d', { currentSessionId: handedOut[3]!.sessionId }), sessions.emailChanged('hygiene-a', { currentSessionId: handedOut[4]!.sessionId })]) {
        const fresh = await change;
        if (fresh.token !== undefined) handedOut.push({ token: fresh.token, sessionId: fresh.session!.id });
      }
      // Through HTTP too, a sign-in presenting an old cookie (revoked at sign-in).
      const app = await startApp('express', sessions);
      try {
        for (const [index, userAgent] of [UA.chromeMac, UA.safariIpad, UA.oddLinux].entries()) {
          const presented = handedOut[5 + index]!;
          const reply = await send(app.port, 'POST', '/login?user=hygiene-http', { 'user-agent': userAgent, origin: app.origin, cookie: `session=${presented.token}` });
          const token = cookieSet(reply, 'session');
          expect(reply.status).toBe(200);
          handedOut.push({ token: token!, sessionId: token!.split('.')[0]! });
          jwts.push((reply.json as { accessToken: string }).accessToken);
        }
      } finally {
        await app.close();
      }

      const parts = await kit.dump({ userIds: [...users, 'hygiene-http'], sessionIds: handedOut.map((entry) => entry.sessionId) });
      const haystack = Buffer.concat(parts.flatMap((part) => [part, Buffer.from([0, 0])]));
      const leaks: string[] = [];
      for (const { token } of handedOut) {
        for (const [form, needle] of forms(token)) if (haystack.includes(needle)) leaks.push(`${form} of ${token.slice(0, 8)}…`);
      }
      for (const jwt of jwts) {
        if (haystack.includes(Buffer.from(jwt))) leaks.push(`access token ${jwt.slice(0, 12)}…`);
        if (haystack.includes(Buffer.from(jwt.split('.')[2]!))) leaks.push(`access token signature ${jwt.slice(0, 12)}…`);
      }
      // The controls: the scan does see every session's id and the SHA-256 of its secret.
      const unseen = handedOut.filter(({ token, sessionId }) => !haystack.includes(Buffer.from(sessionId)) || !hashForms(token).some((form) => haystack.includes(form)));
      await sessions.close();
      record(`hygiene: secrets in ${name}`, { requests: handedOut.length + jwts.length, revocations: 5, violations: leaks.length });
      expect(leaks).toEqual([]);
      expect(unseen.map((entry) => entry.sessionId)).toEqual([]);
      expect(haystack.length).toBeGreaterThan(1_000);
    });

    it('a token with the right id and a wrong secret is not_found, exactly like an unknown id: the stored hash itself, one character off, all zeros', async () => {
      // The comparison of hashes is constant-time (crypto.timingSafeEqual in src/token.ts, counted
      // by test/core/constant-time.test.ts);
      // what a test can check without timing anything is that every wrong secret for a real id
      // gets the very answer an unknown id gets, so the answer says nothing about the id.
      const sessions: SessionManager = createSessionManager({ store: await (await kits.open(name)).store(), onError: () => undefined });
      const { token, session } = await sessions.create({ userId: 'hygiene-compare', userAgent: UA.chromeMac });
      const secret = token.split('.')[1]!;
      const last = secret.at(-1) === 'A' ? 'Q' : 'A';
      const wrong = [
        createHash('sha256').update(secret).digest('base64url'),
        `${secret.slice(0, -1)}${last}`,
        `${secret.slice(0, 21)}${secret[21] === 'A' ? 'B' : 'A'}${secret.slice(22)}`,
        'A'.repeat(43),
        '_'.repeat(43),
      ];
      const answers = await Promise.all(wrong.map((candidate) => sessions.validate(`${session.id}.${candidate}`)));
      const unknown = await sessions.validate(`${'A'.repeat(21)}B.${secret}`);
      record(`hygiene: wrong secrets on ${name}`, { hostile: wrong.length + 1, violations: answers.filter((answer) => answer.ok || answer.reason !== 'not_found').length });
      expect(answers).toEqual(wrong.map(() => ({ ok: false, reason: 'not_found' })));
      expect(unknown).toEqual({ ok: false, reason: 'not_found' });
      expect((await sessions.validate(token)).ok).toBe(true);
      await sessions.close();
    });
  });
}
