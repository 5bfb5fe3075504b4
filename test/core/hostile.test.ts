import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { mintToken } from '../../src/token.js';

const anything = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,60}\.[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{0,100}$/),
  fc.integer({ min: 1, max: 200_000 }).map((length) => 'a'.repeat(length)),
  fc.anything(),
);

describe('hostile input', () => {
  it('validate never throws and never accepts a token it did not mint', async () => {
    const sessions = createSessionManager();
    const { token } = await sessions.create({ userId: 'victim' });
    await fc.assert(
      fc.asyncProperty(anything, async (input) => {
        const result = await sessions.validate(input);
        expect(result.ok && input !== token).toBe(false);
      }),
      { numRuns: 2_000 },
    );
  });

  it('tokens with the id of a real session and any other secret are refused', async () => {
    const sessions = createSessionManager();
    const { token, session } = await sessions.create({ userId: 'victim' });
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_-]{43}$/), async (secret) => {
        fc.pre(`${session.id}.${secret}` !== token);
        expect(await sessions.validate(`${session.id}.${secret}`)).toEqual({ ok: false, reason: 'not_found' });
      }),
      { numRuns: 500 },
    );
  });

  it('verifyAccessToken never throws and refuses every tampered token', async () => {
    const sessions = createSessionManager({ accessTokens: { secret: 's'.repeat(32) }, epochCacheTtl: 0 });
    const { session } = await sessions.create({ userId: 'victim' });
    const jwt = await sessions.issueAccessToken(session);
    await fc.assert(
      fc.asyncProperty(anything, async (input) => {
        const result = await sessions.verifyAccessToken(input);
        expect(result.ok && input !== jwt).toBe(false);
      }),
      { numRuns: 1_000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: jwt.length - 1 }), fc.constantFrom(...'ABCabc012-_'), async (position, character) => {
        const tampered = jwt.slice(0, position) + character + jwt.slice(position + 1);
        fc.pre(tampered !== jwt);
        const result = await sessions.verifyAccessToken(tampered);
        // Changing the last character of a base64url segment may leave its bytes unchanged.
        if (result.ok) expect(Buffer.from(tampered.split('.')[2] ?? '', 'base64url').equals(Buffer.from(jwt.split('.')[2]!, 'base64url'))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('create survives any User-Agent and IP', async () => {
    const sessions = createSessionManager();
    await fc.assert(
      fc.asyncProperty(anything, anything, async (userAgent, ip) => {
        const { token } = await sessions.create({ userId: 'u', userAgent: userAgent as string, ip: ip as string });
        expect((await sessions.validate(token)).ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('token hygiene', () => {
  it('100,000 tokens are unique and each secret carries 256 bits', () => {
    const ids = new Set<string>();
    const secrets = new Set<string>();
    for (let index = 0; index < 100_000; index++) {
      const { token } = mintToken();
      const [id, secret] = token.split('.') as [string, string];
      ids.add(id);
      secrets.add(secret);
      if (index < 100) expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    }
    expect(ids.size).toBe(100_000);
    expect(secrets.size).toBe(100_000);
  });

  it('a routing prefix keeps ids unique and the secret whole', () => {
    const ids = new Set<string>();
    for (let index = 0; index < 10_000; index++) {
      const { token, id } = mintToken('abcd');
      expect(id.startsWith('abcd')).toBe(true);
      expect(Buffer.from(token.split('.')[1]!, 'base64url')).toHaveLength(32);
      ids.add(id);
    }
    expect(ids.size).toBe(10_000);
  });
});
