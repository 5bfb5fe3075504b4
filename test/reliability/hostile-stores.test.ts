import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSessionManager, isSessionError, type SessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { record } from './support/figures.js';
import { availableStores, kitsOfThisFile } from './support/kits.js';
import type { StoreName } from './support/stores.js';

const stores = await availableStores();
const kits = kitsOfThisFile();

/** Runs per property: the network stores cost a round trip per well-shaped input. */
const RUNS: Record<StoreName, number> = { memory: 1_000, sqlite: 600, redis: 300, postgres: 300, mysql: 300 };
const SECRET = 'reliability-suite-hs256-secret-0123456789';

/** Strings and values an attacker (or a careless caller) can hand in. */
const hostileText = fc.oneof(
  fc.string({ maxLength: 100 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', '\udfff\ud800', '\u202e', '%00', '../', "' OR 1=1 --", '{x}', '\r\nSet-Cookie: a=b', '*', '?', '[', ' '),
);
const anything = fc.oneof(
  hostileText,
  // Right shape, wrong everything.
  fc.stringMatching(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/),
  fc.stringMatching(/^[A-Za-z0-9_-]{1,60}\.[A-Za-z0-9_-]{1,200}\.[A-Za-z0-9_-]{0,100}$/),
  fc.integer({ min: 1, max: 100_000 }).map((length) => 'a'.repeat(length)),
  fc.anything(),
);

/** Only an INVALID_INPUT refusal is an acceptable way for a call to fail on bad input. */
function failureOf(error: unknown): string | undefined {
  return isSessionError(error) && error.code === 'INVALID_INPUT' ? undefined : `${isSessionError(error) ? error.code : 'non-SessionError'}: ${error instanceof Error ? error.message : String(error)}`;
}

for (const [name, up] of stores) {
  describe.skipIf(!up)(`hostile input straight to the manager on ${name}`, () => {
    const open = async (): Promise<SessionManager> =>
      createSessionManager({ store: await (await kits.open(name)).store(), accessTokens: { secret: SECRET }, epochCacheTtl: 0, onError: () => undefined });

    it('validate never throws and never accepts a token it did not mint; a wrong secret for a real id is not_found', async () => {
      const sessions = await open();
      const { token, session } = await sessions.create({ userId: 'victim', userAgent: UA.chromeMac });
      let tried = 0;
      const outcome = await fc.check(
        fc.asyncProperty(fc.oneof(anything, fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((secret) => `${session.id}.${secret}`)), async (input) => {
          tried += 1;
          const result = await sessions.validate(input);
          if (input === token) return result.ok;
          if (typeof input === 'string' && input.startsWith(`${session.id}.`) && input.length === token.length) return !result.ok && result.reason === 'not_found';
          return !result.ok;
        }),
        { numRuns: RUNS[name] },
      );
      record(`hostile ${name}: validate`, { hostile: tried, violations: Number(outcome.failed) });
      expect(outcome.failed, fc.defaultReportMessage(outcome)).toBe(false);
      expect((await sessions.validate(token)).ok).toBe(true);
    });

    it('verifyAccessToken never throws and refuses anything but the genuine token, tampered signatures and claims included', async () => {
      const sessions = await open();
      const { session } = await sessions.create({ userId: 'victim', userAgent: UA.chromeMac });
      const jwt = await sessions.issueAccessToken(session);
      const [header, payload, signature] = jwt.split('.') as [string, string, string];
      const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const forged = fc.oneof(
        // One character of the signature changed.
        fc.tuple(fc.nat({ max: signature.length - 1 }), fc.constantFrom(...'AQgw-_09')).map(([at, c]) => `${header}.${payload}.${signature.slice(0, at)}${c}${signature.slice(at + 1)}`),
        // Other claims under the genuine signature.
        fc.record({ sub: fc.string(), sid: fc.string(), sct: fc.oneof(fc.integer(), fc.double()), exp: fc.integer() }, { requiredKeys: [] }).map((changes) => `${header}.${encode({ ...claims, ...changes })}.${signature}`),
        // alg "none", other algorithms, other typ, a key in the header.
        fc.constantFrom(
          `${encode({ alg: 'none', typ: 'session-access+jwt' })}.${payload}.`,
          `${encode({ alg: 'HS512', typ: 'session-access+jwt' })}.${payload}.${signature}`,
          `${encode({ alg: 'HS256' })}.${payload}.${signature}`,
          `${encode({ alg: 'HS256', typ: 'session-access+jwt', jwk: { kty: 'oct', k: 'AAAA' } })}.${payload}.${signature}`,
          `${encode({ alg: 'HS256', typ: 'session-access+jwt', kid: '../../../../etc/passwd' })}.${payload}.${signature}`,
          `${header}.${payload}.${signature}.${signature}.${signature}`,
          `${header}.${payload}`,
          `${jwt}${'A'.repeat(9_000)}`,
        ),
      );
      let tried = 0;
      const outcome = await fc.check(
        fc.asyncProperty(fc.oneof(anything, forged), async (input) => {
          tried += 1;
          const result = await sessions.verifyAccessToken(input);
          if (!result.ok || input === jwt) return true;
          // A changed last character of a base64url segment may decode to the same bytes.
          const [h, p, s] = String(input).split('.');
          return h === header && p === payload && Buffer.from(s ?? '', 'base64url').equals(Buffer.from(signature, 'base64url'));
        }),
        { numRuns: RUNS[name] },
      );
      record(`hostile ${name}: verifyAccessToken`, { hostile: tried, violations: Number(outcome.failed) });
      expect(outcome.failed, fc.defaultReportMessage(outcome)).toBe(false);
      expect((await sessions.verifyAccessToken(jwt)).ok).toBe(true);
    });

    it('sign-in with any User-Agent and IP works (or is refused as INVALID_INPUT), and the session validates', async () => {
      const sessions = await open();
      let tried = 0;
      const failures: string[] = [];
      const outcome = await fc.check(
        fc.asyncProperty(hostileText, hostileText, async (userAgent, ip) => {
          tried += 1;
          try {
            const { token } = await sessions.create({ userId: 'hostile-ua', userAgent, ip });
            return (await sessions.validate(token)).ok;
          } catch (error) {
            const failure = failureOf(error);
            if (failure !== undefined) failures.push(`${JSON.stringify({ userAgent, ip })}: ${failure}`);
            return failure === undefined;
          }
        }),
        // Always tried, besides the random ones: control characters where a store may choke.
        { numRuns: Math.ceil(RUNS[name] / 3), examples: [['\u0000', '\u0000'], [UA.chromeMac, '10.0.0.1\u0000'], ['\u0007', '\u001b[31m']] },
      );
      record(`hostile ${name}: sign-in with any User-Agent and IP`, { hostile: tried, violations: Number(outcome.failed) });
      expect(outcome.failed, `${fc.defaultReportMessage(outcome)}\n${failures.slice(-3).join('\n')}`).toBe(false);
    });

    it('sign-in with any JSON-safe app data (strings of any characters) works or is refused as INVALID_INPUT', async () => {
      const sessions = await open();
      let tried = 0;
      const failures: string[] = [];
      const outcome = await fc.check(
        fc.asyncProperty(hostileText, async (note) => {
          tried += 1;
          try {
            const { token, session } = await sessions.create({ userId: 'hostile-data', data: { note } });
            return (await sessions.validate(token)).ok && session.data?.['note'] === note;
          } catch (error) {
            const failure = failureOf(error);
            if (failure !== undefined) failures.push(`${JSON.stringify(note)}: ${failure}`);
            return failure === undefined;
          }
        }),
        { numRuns: Math.ceil(RUNS[name] / 3), examples: [['\u0000'], ['\ud800'], ['\u202e']] },
      );
      record(`hostile ${name}: sign-in with any app data`, { hostile: tried, violations: Number(outcome.failed) });
      expect(outcome.failed, `${fc.defaultReportMessage(outcome)}\n${failures.slice(-3).join('\n')}`).toBe(false);
    });

    it('revoke, list and revokeAll with any session or user id return or refuse with INVALID_INPUT, never fail as a store error', async () => {
      const sessions = await open();
      const { token } = await sessions.create({ userId: 'bystander', userAgent: UA.firefoxWindows });
      let tried = 0;
      const failures: string[] = [];
      const outcome = await fc.check(
        fc.asyncProperty(hostileText, async (id) => {
          tried += 1;
          for (const [what, call] of [
            ['revoke', () => sessions.revoke(id)],
            ['list', () => sessions.list(id)],
            ['revokeAll', () => sessions.revokeAll(id === 'bystander' ? `${id}-not` : id)],
          ] as const) {
            try {
              await call();
            } catch (error) {
              const failure = failureOf(error);
              if (failure !== undefined) {
                failures.push(`${what}(${JSON.stringify(id)}): ${failure}`);
                return false;
              }
            }
          }
          return true;
        }),
        { numRuns: Math.ceil(RUNS[name] / 3), examples: [['\u0000'], ['a\u0000b'], ['\ud800'], ['%00']] },
      );
      record(`hostile ${name}: ids to revoke, list, revokeAll`, { hostile: tried, violations: Number(outcome.failed) });
      expect(outcome.failed, `${fc.defaultReportMessage(outcome)}\n${failures.slice(-3).join('\n')}`).toBe(false);
      expect((await sessions.validate(token)).ok).toBe(true);
    });
  });
}
