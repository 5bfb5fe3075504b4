import { BROWSERS, type Reply } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';

const PATH = '/sessions/security-events';
/** The `Authorization` value the suite's transmitter is configured with. */
export const SUITE_PUSH_AUTHORIZATION = 'Bearer suite-transmitter-secret';
const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';

/** Push delivery of Security Event Tokens (RFC 8935): a transmitter ends sessions, and only with what it was configured with. */
export function describeSecurityEvents({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('Shared Signals push (security events)', () => {
    const idp = () => scenario().idp;
    // As a transmitter sends it; a header given as `null` is left out.
    const push = (set: string, headers: Record<string, string | null> = {}) => {
      const all: Record<string, string | null> = { 'content-type': 'application/secevent+jwt', accept: 'application/json', authorization: SUITE_PUSH_AUTHORIZATION, origin: 'https://idp.example', 'sec-fetch-site': 'cross-site', ...headers };
      const sent = Object.fromEntries(Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== null));
      return scenario().request(PATH, { method: 'POST', headers: sent, body: set });
    };
    const signedIn = (userId: string, userAgent: string, federated?: { sub: string; sid?: string }) =>
      federated === undefined ? scenario().signedIn(userId, userAgent) : scenario().deviceWith({ userId, userAgent, federated: { iss: idp().issuer, ...federated } });
    const expectAccepted = (reply: Reply) => expectReply(reply, 202, { body: '' });
    const expectRefused = (reply: { status: number; headers: Headers; json: unknown }, err: string) => {
      expect(reply.status).toBe(400);
      // The media type; a framework may add a charset parameter.
      expect([reply.headers.get('content-type')?.split(';')[0], reply.headers.get('content-language')]).toEqual(['application/json', 'en']);
      const { err: code, description } = reply.json as { err?: unknown; description?: unknown };
      expect(code).toBe(err);
      expect(typeof description).toBe('string');
    };

    // One accepted SET shows the wrapper hands the body over and writes the empty 202; what each event
    // and subject ends, replays and unknown types are tested without a wrapper (test/security-events, test/http).
    it('a CAEP session-revoked with a complex subject ends only that provider session (202, empty)', async () => {
      const laptop = await signedIn('alice', BROWSERS.chromeMac, { sub: 'alice@idp', sid: 'idp-session-1' });
      const phone = await signedIn('alice', BROWSERS.safariIphone, { sub: 'alice@idp', sid: 'idp-session-2' });
      const subject = { format: 'complex', user: { format: 'iss_sub', iss: idp().issuer, sub: 'alice@idp' }, session: { format: 'opaque', id: 'idp-session-1' } };
      expectAccepted(await push(await idp().securityEventToken(`${CAEP}session-revoked`, subject)));
      expect(await meStatuses(laptop, phone)).toEqual(['session_revoked', 200]);
      const [entry] = await scenario().sessions.activity('alice');
      expect(entry?.reason).toBe('security_event');
    });

    it('the wrong content type, a body over 64 KiB, or the configured Authorization missing or wrong: 400 with the RFC 8935 err, nothing ends', async () => {
      const laptop = await signedIn('alice', BROWSERS.chromeMac);
      const set = () => idp().securityEventToken(`${RISC}account-disabled`, { format: 'email', email: 'alice@example.com' });
      // Not application/json: an app's JSON parser in front of the routes answers that itself.
      for (const type of ['application/jwt', 'text/plain', 'application/x-www-form-urlencoded']) expectRefused(await push(await set(), { 'content-type': type }), 'invalid_request');
      expectRefused(await push(await idp().securityEventToken(`${RISC}account-disabled`, { format: 'email', email: 'alice@example.com' }, { padding: 'x'.repeat(70_000) })), 'invalid_request');
      expectRefused(await push(`${await set()}${' '.repeat(70_000)}`), 'invalid_request');
      for (const authorization of [null, 'Bearer wrong-secret', `${SUITE_PUSH_AUTHORIZATION}x`, SUITE_PUSH_AUTHORIZATION.toLowerCase()]) expectRefused(await push(await set(), { authorization }), 'authentication_failed');
      expect(await meStatuses(laptop)).toEqual([200]);
    });

    it('answers 503 while the store is down or the transmitter\'s keys cannot be fetched, and ends nothing', async () => {
      const laptop = await signedIn('alice', BROWSERS.chromeMac);
      idp().jwksAnswer = 503;
      expectReply(await push(await idp().securityEventToken(`${RISC}account-disabled`, { format: 'email', email: 'alice@example.com' })), 503, { headers: { 'retry-after': /^\d+$/ } });
      expect(await meStatuses(laptop)).toEqual([200]);
      idp().jwksAnswer = 'keys';
      scenario().advance(10_000);
      const set = await idp().securityEventToken(`${RISC}account-disabled`, { format: 'email', email: 'alice@example.com' });
      scenario().store.failing = true;
      expect((await push(set)).status).toBe(503);
      scenario().store.failing = false;
      expect(await meStatuses(laptop)).toEqual([200]);
    });
  });
}
