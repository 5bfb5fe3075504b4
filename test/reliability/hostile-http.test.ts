import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { safeNextPath } from '../../src/http/index.js';
import { createSessionManager, type SessionManager } from '../../src/index.js';
import { UA } from '../support/clock.js';
import { FRAMEWORKS, startApp, type RunningApp } from './support/apps.js';
import { record } from './support/figures.js';
import { cookieSet, rawHeader, rawRequest, send, sendRaw, type RawReply } from './support/http.js';

/** Runs per property and framework. RELIABILITY_HOSTILE_RUNS overrides it. */
const RUNS = Number(process.env['RELIABILITY_HOSTILE_RUNS'] ?? 250);
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;

/** A signed-in user of the app under attack. */
interface Account {
  readonly userId: string;
  readonly sessionId: string;
  readonly token: string;
  readonly jwt: string;
}

async function signIn(app: RunningApp, userId: string, userAgent: string): Promise<Account> {
  const reply = await send(app.port, 'POST', `/login?user=${userId}`, { 'user-agent': userAgent, origin: app.origin, accept: 'application/json' });
  const json = reply.json as { sessionId: string; accessToken: string };
  const token = cookieSet(reply, 'session');
  if (reply.status !== 200 || token === undefined) throw new Error(`sign-in on ${app.framework} answered ${reply.status}`);
  return { userId, sessionId: json.sessionId, token, jwt: json.accessToken };
}

/** A Location a browser would follow to this same origin, whatever it decodes or strips. */
function staysHome(location: string | undefined, origin: string): boolean {
  if (location === undefined) return false;
  if (!location.startsWith('/') || /^\/[/\\]/.test(location) || /[\\\x00-\x20\x7f]/.test(location)) return false;
  let current = location;
  for (let round = 0; round < 3; round++) {
    try {
      current = decodeURIComponent(current);
    } catch {
      break;
    }
    if (/^\/[/\\]/.test(current) || /[\\\x00-\x1f\x7f]/.test(current)) return false;
  }
  try {
    return new URL(location, origin).origin === origin;
  } catch {
    return false;
  }
}

/**
 * Whether `value` is the account's session token or access token. A changed last character of
 * a base64url signature may decode to the same bytes: that is the same token.
 */
function sameCredential(value: string, account: Account): boolean {
  if (value === account.token || value === account.jwt) return true;
  const [h, p, s] = value.split('.');
  const [gh, gp, gs] = account.jwt.split('.') as [string, string, string];
  return value.split('.').length === 3 && h === gh && p === gp && Buffer.from(s ?? '', 'base64url').equals(Buffer.from(gs, 'base64url'));
}

/** The session cookie values the documented rule would use: exact name, trimmed, quotes removed, token-shaped, distinct. */
function tokensIn(cookieHeader: string): string[] {
  const found = new Set<string>();
  for (const segment of cookieHeader.split(';')) {
    const equals = segment.indexOf('=');
    if (equals === -1 || segment.slice(0, equals).trim() !== 'session') continue;
    let value = segment.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (TOKEN_SHAPE.test(value)) found.add(value);
  }
  return [...found];
}

// Generators of hostile pieces. Raw bytes go out over a plain socket: Node's own client refuses
// many of them, and a real attacker's client does not.
const noLineBreaks = (bytes: Uint8Array): Buffer => Buffer.from(bytes.filter((byte) => byte !== 0x0d && byte !== 0x0a));
const rawBytes = fc.uint8Array({ maxLength: 300 }).map(noLineBreaks);
const unicode = fc.string({ unit: 'grapheme', maxLength: 80 }).map((text) => Buffer.from(text, 'utf8'));
const huge = fc.integer({ min: 1_000, max: 40_000 }).map((length) => Buffer.from('a'.repeat(length)));
const tokenShaped = fc.stringMatching(TOKEN_SHAPE);

describe('hostile input through real HTTP', () => {
  let sessions: SessionManager;
  const apps: RunningApp[] = [];
  const tried: Record<string, number> = {};
  const count = (what: string): void => {
    tried[what] = (tried[what] ?? 0) + 1;
  };

  beforeAll(async () => {
    sessions = createSessionManager({ accessTokens: { secret: 'reliability-suite-hs256-secret-0123456789' }, onError: () => undefined });
    for (const framework of FRAMEWORKS) apps.push(await startApp(framework, sessions));
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await sessions.close();
    const sent = Object.entries(tried).reduce((sum, [what, value]) => sum + (what === 'safeNextPath' ? 0 : value), 0);
    record('hostile HTTP', { hostile: sent + (tried['safeNextPath'] ?? 0), requests: sent, violations: failures });
  });

  // What was sent last and what came back, for a readable failure; and the statuses seen per
  // concern, to prove both the refused and the legitimate paths were exercised.
  let last = '';
  let failures = 0;
  const statuses = new Map<string, Map<number, number>>();

  /** Sends raw bytes; the app must answer (never hang, never drop the connection unanswered) and never with a 5xx. */
  async function hit(app: RunningApp, bytes: Buffer, what: string): Promise<RawReply> {
    count(what);
    const reply = await sendRaw(app.port, bytes);
    const seen = statuses.get(what) ?? new Map<number, number>();
    seen.set(reply.status, (seen.get(reply.status) ?? 0) + 1);
    statuses.set(what, seen);
    last = `${app.framework} ${JSON.stringify(bytes.toString('latin1').slice(0, 600))} -> ${reply.status} ${reply.body.slice(0, 200)}`;
    return reply;
  }
  const seen = (what: string, status: number): number => statuses.get(what)?.get(status) ?? 0;

  const answered = (reply: RawReply): boolean => reply.status >= 200 && reply.status < 500;

  for (const framework of FRAMEWORKS) {
    describe(framework, () => {
      const app = (): RunningApp => apps.find((candidate) => candidate.framework === framework)!;
      let victim: Account;
      let attacker: Account;
      beforeAll(async () => {
        victim = await signIn(app(), `victim-${framework}`, UA.chromeMac);
        attacker = await signIn(app(), `attacker-${framework}`, UA.firefoxWindows);
      });
      const host = (): string => `127.0.0.1:${app().port}`;
      const get = (target: string | Buffer, headers: ReadonlyArray<readonly [string, string | Buffer]>): Buffer =>
        rawRequest('GET', target, [['Host', host()], ['Accept', 'application/json'], ...headers]);

      it('Cookie headers (random bytes, unicode, huge, many cookies, duplicate names, quoted, planted tokens): 4xx, or 200 for exactly the one genuine token the rule picks', async () => {
        const cookieValue = fc.oneof(
          fc.constant(() => victim.token),
          fc.constant(() => attacker.token),
          fc.constant(() => `"${victim.token}"`),
          fc.constant(() => `${victim.token}x`),
          fc.constant(() => `${victim.sessionId}.${attacker.token.split('.')[1]}`),
          tokenShaped.map((value) => () => value),
          fc.string({ maxLength: 40 }).map((value) => () => value.replace(/[;\r\n]/g, '')),
        );
        const cookieName = fc.constantFrom('session', 'session', 'Session', ' session', 'session ', '__Host-session', 'sess', 'other', '');
        const header = fc.oneof(
          fc.array(fc.tuple(cookieName, cookieValue), { maxLength: 60 }).map((pairs) => () => Buffer.from(pairs.map(([name, value]) => `${name}=${value()}`).join('; '), 'latin1')),
          fc.oneof(rawBytes, unicode, huge).map((bytes) => () => bytes),
          fc.integer({ min: 100, max: 3_000 }).map((count) => () => Buffer.from(Array.from({ length: count }, (_, index) => `c${index}=${index}`).concat(`session=${victim.token}`).join('; '))),
        );
        const outcome = await fc.check(
          fc.asyncProperty(header, async (make) => {
            const value = make();
            const reply = await hit(app(), get('/api/me', [['Cookie', value]]), 'cookie');
            if (!answered(reply)) return false;
            if (reply.status !== 200) return reply.status >= 400;
            const tokens = tokensIn(value.toString('latin1'));
            const body = JSON.parse(reply.body) as { sessionId: string };
            const genuine = [victim, attacker].find((account) => account.token === tokens[0]);
            return tokens.length === 1 && genuine !== undefined && body.sessionId === genuine.sessionId;
          }),
          { numRuns: RUNS },
        );
        failures += Number(outcome.failed);
        expect(outcome.failed, `${fc.defaultReportMessage(outcome) ?? ''}\nlast request: ${last}`).toBe(false);
        // The rule, spelled out: junk beside the genuine token is ignored; a second token refuses both.
        const junk = await hit(app(), get('/api/me', [['Cookie', `session=junk; session=${victim.token}; session="x"`]]), 'cookie');
        expect(junk.status).toBe(200);
        const planted = await hit(app(), get('/api/me', [['Cookie', `session=${attacker.token}; session=${victim.token}`]]), 'cookie');
        expect(planted.status).toBe(401);
        expect(seen('cookie', 200)).toBeGreaterThan(0);
        expect(seen('cookie', 401)).toBeGreaterThan(0);
      });

      it('Authorization headers (Bearer junk, huge values, unicode, forged and tampered JWTs, other schemes): 4xx, or 200 only for a genuine credential', async () => {
        const [header64, payload64, signature] = victim.jwt.split('.') as [string, string, string];
        const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
        const claims = JSON.parse(Buffer.from(payload64, 'base64url').toString()) as Record<string, unknown>;
        const credential = fc.oneof(
          fc.constant(() => victim.jwt),
          fc.constant(() => victim.token),
          fc.tuple(fc.nat(), fc.constantFrom(...'AQgw-_09')).map(([at, c]) => () => {
            const index = at % signature.length;
            return `${header64}.${payload64}.${signature.slice(0, index)}${c}${signature.slice(index + 1)}`;
          }),
          fc.constantFrom(
            () => `${header64}.${encode({ ...claims, sub: attacker.userId })}.${signature}`,
            () => `${header64}.${encode({ ...claims, sid: attacker.sessionId })}.${signature}`,
            () => `${encode({ alg: 'none', typ: 'session-access+jwt' })}.${payload64}.`,
            () => `${encode({ alg: 'HS512', typ: 'session-access+jwt' })}.${payload64}.${signature}`,
            () => `${header64}.${payload64}`,
            () => `${victim.jwt}.${signature}`,
          ),
          fc.stringMatching(/^[A-Za-z0-9_-]{1,80}\.[A-Za-z0-9_-]{1,300}\.[A-Za-z0-9_-]{0,90}$/).map((value) => () => value),
          tokenShaped.map((value) => () => value),
        );
        const scheme = fc.constantFrom('Bearer ', 'bearer ', 'BEARER  ', 'Bearer', 'Basic ', 'Bearer\t', ' Bearer ', 'Token ');
        const header = fc.oneof(
          fc.tuple(scheme, credential).map(([prefix, value]) => () => Buffer.from(`${prefix}${value()}`)),
          fc.oneof(rawBytes, unicode, huge).map((bytes) => () => Buffer.concat([Buffer.from('Bearer '), bytes])),
          fc.oneof(rawBytes, unicode).map((bytes) => () => bytes),
        );
        const outcome = await fc.check(
          fc.asyncProperty(header, fc.boolean(), async (make, withCookie) => {
            const value = make();
            const headers: Array<[string, string | Buffer]> = [['Authorization', value]];
            // A Bearer header decides alone: a junk one is refused even beside a good cookie.
            if (withCookie) headers.push(['Cookie', `session=${attacker.token}`]);
            const reply = await hit(app(), get('/api/me', headers), 'authorization');
            if (!answered(reply)) return false;
            if (reply.status !== 200) return reply.status >= 400;
            const text = value.toString('latin1').trim();
            const body = JSON.parse(reply.body) as { sessionId: string };
            const match = /^bearer +(\S+)$/i.exec(text);
            if (match === null) return !/^bearer(?: |$)/i.test(text) && withCookie && body.sessionId === attacker.sessionId;
            return sameCredential(match[1]!, victim) && body.sessionId === victim.sessionId;
          }),
          { numRuns: RUNS },
        );
        failures += Number(outcome.failed);
        expect(outcome.failed, `${fc.defaultReportMessage(outcome) ?? ''}\nlast request: ${last}`).toBe(false);
        expect(seen('authorization', 200)).toBeGreaterThan(0);
        expect(seen('authorization', 401)).toBeGreaterThan(0);
      });

      it('User-Agent strings at sign-in (random bytes, unicode, huge): 200 or 4xx, never 5xx; the session then works and lists', async () => {
        const outcome = await fc.check(
          fc.asyncProperty(fc.oneof(rawBytes, unicode, huge, fc.constantFrom(...Object.values(UA)).map((text) => Buffer.from(text))), async (userAgent) => {
            const login = await hit(
              app(),
              rawRequest('POST', `/login?user=ua-${framework}`, [['Host', host()], ['Origin', app().origin], ['User-Agent', userAgent], ['Content-Length', '0']]),
              'user-agent',
            );
            if (!answered(login)) return false;
            if (login.status !== 200) return login.status >= 400;
            const token = /session=([^;]*)/.exec(rawHeader(login, 'set-cookie') ?? '')?.[1];
            if (token === undefined) return false;
            const list = await hit(app(), get('/sessions', [['Cookie', `session=${token}`], ['User-Agent', userAgent]]), 'user-agent');
            if (list.status === 400 || list.status === 431) return true;
            const views = list.status === 200 ? (JSON.parse(list.body) as Array<{ deviceLabel: string; current: boolean }>) : [];
            return views.some((view) => view.current && typeof view.deviceLabel === 'string' && !/[\x00-\x1f\x7f]/.test(view.deviceLabel));
          }),
          { numRuns: RUNS },
        );
        failures += Number(outcome.failed);
        expect(outcome.failed, `${fc.defaultReportMessage(outcome) ?? ''}\nlast request: ${last}`).toBe(false);
      });

      it('session ids in DELETE /sessions/:id (raw bytes, encodings, dots, slashes, other users\' ids): 204 only for an own session, else 4xx; the victim is never signed out', async () => {
        const segment = fc.oneof(
          rawBytes.map((bytes) => Buffer.from(bytes.filter((byte) => byte > 0x20 && byte !== 0x3f && byte !== 0x23))),
          unicode.map((bytes) => Buffer.from(encodeURIComponent(bytes.toString('utf8')))),
          tokenShaped.map((value) => Buffer.from(value.slice(0, 22))),
          fc.constantFrom('..', '.', '%2e%2e', '%2F', 'sign-out%2F..', '%00', `${'A'.repeat(21)}%41`, 'A'.repeat(5_000), '*', '%', '%zz').map((value) => Buffer.from(value)),
          fc.constant(null).map(() => Buffer.from(victim.sessionId)),
          fc.constant(null).map(() => Buffer.from(`${victim.sessionId}/`)),
          fc.constant(null).map(() => Buffer.from(encodeURIComponent(victim.sessionId).replace('A', '%41'))),
        );
        const outcome = await fc.check(
          fc.asyncProperty(segment, async (id) => {
            const reply = await hit(
              app(),
              rawRequest('DELETE', Buffer.concat([Buffer.from('/sessions/'), id]), [['Host', host()], ['Origin', app().origin], ['Cookie', `session=${attacker.token}`], ['Accept', 'application/json']]),
              'session id',
            );
            if (!answered(reply)) return false;
            return reply.status >= 400 || (reply.status === 204 && id.toString('latin1') === attacker.sessionId);
          }),
          { numRuns: RUNS },
        );
        failures += Number(outcome.failed);
        expect(outcome.failed, `${fc.defaultReportMessage(outcome) ?? ''}\nlast request: ${last}`).toBe(false);
        expect((await sessions.validate(victim.token)).ok).toBe(true);
        expect((await sessions.validate(attacker.token)).ok).toBe(true);
      });

      it('next values (login redirect and the page a visitor came from): always a 303 to a same-origin relative path, never an open redirect', async () => {
        const next = fc.oneof(
          fc.constantFrom(
            '//evil.example', '/\\evil.example', '\\\\evil.example', 'https://evil.example', 'javascript:alert(1)', '/%2F%2Fevil.example',
            '/%5Cevil.example', '/%09/evil.example', '/\t/evil.example', '%2F%2Fevil.example', '/%252F%252Fevil.example', '///evil.example',
            'http:evil.example', '/.//evil.example', '/%2e%2e/%2F/evil', 'data:text/html,x', ' //evil.example', '/dashboard?x=//evil', '/ok',
          ),
          fc.string({ maxLength: 60 }),
          fc.string({ unit: 'grapheme', maxLength: 40 }),
          fc.webUrl().map((url) => url),
          fc.webPath(),
        );
        const encoding = fc.constantFrom('encoded', 'raw');
        const outcome = await fc.check(
          fc.asyncProperty(next, encoding, async (value, how) => {
            const query = how === 'encoded' ? Buffer.from(encodeURIComponent(value)) : Buffer.from(value.replace(/[\s#]/g, ''), 'utf8');
            const target = Buffer.concat([Buffer.from(`/login?user=next-${framework}&next=`), query]);
            const login = await hit(app(), rawRequest('POST', target, [['Host', host()], ['Origin', app().origin], ['Content-Length', '0']]), 'next');
            if (!answered(login)) return false;
            if (login.status !== 303) return login.status >= 400 && login.status < 500;
            const location = rawHeader(login, 'location');
            // The helper itself, on the same value: a same-origin path, always.
            return staysHome(location, app().origin) && staysHome(safeNextPath(value, '/'), app().origin);
          }),
          { numRuns: RUNS },
        );
        failures += Number(outcome.failed);
        expect(outcome.failed, `${fc.defaultReportMessage(outcome) ?? ''}\nlast request: ${last}`).toBe(false);

        // A page navigation without a session is sent to the login page with next = where it was.
        const page = fc.oneof(
          fc.webPath().map((path) => Buffer.from(`/dashboard${path}`)),
          fc.webSegment().map((segment) => Buffer.from(`/dashboard?tab=${segment}`)),
          fc.constantFrom('//evil.example/dashboard', '/dashboard/..%2F..%2F%2Fevil', 'http://evil.example/dashboard', '/dashboard?next=//evil').map((path) => Buffer.from(path)),
          rawBytes.map((bytes) => Buffer.concat([Buffer.from('/dashboard?'), Buffer.from(bytes.filter((byte) => byte > 0x20 && byte !== 0x23))])),
        );
        const pages = await fc.check(
          fc.asyncProperty(page, async (target) => {
            const reply = await hit(app(), rawRequest('GET', target, [['Host', host()], ['Accept', 'text/html'], ['Sec-Fetch-Mode', 'navigate']]), 'next');
            if (!answered(reply)) return false;
            if (reply.status !== 303) return reply.status >= 400;
            const location = rawHeader(reply, 'location');
            if (!staysHome(location, app().origin)) return false;
            const nextValue = new URL(location!, app().origin).searchParams.get('next');
            return nextValue === null || staysHome(nextValue, app().origin);
          }),
          { numRuns: RUNS },
        );
        failures += Number(pages.failed);
        expect(pages.failed, `${fc.defaultReportMessage(pages) ?? ''}\nlast request: ${last}`).toBe(false);
        expect(seen('next', 303)).toBeGreaterThan(0);
      });

      it('Origin, Sec-Fetch-Site, Host and bodies on state-changing routes: a cross-site request is refused (403), a same-origin one served, never a 5xx', async () => {
        const own = (): string => app().origin;
        const site = fc.constantFrom(undefined, 'same-origin', 'cross-site', 'same-site', 'none', ' Same-Origin ', '', 'bogus');
        const origin = fc.oneof(
          fc.constantFrom(undefined, 'null', '', 'http://evil.example', 'https://127.0.0.1', 'http://127.0.0.1', 'http://localhost', 'file://', 'http://127.0.0.1:1'),
          fc.constant(null).map(() => own()),
          fc.constant(null).map(() => `${own()}/`),
          fc.constant(null).map(() => own().replace('http:', 'https:')),
          fc.string({ maxLength: 40 }),
        );
        const hostHeader = fc.oneof(
          fc.constant(null).map(() => host()),
          fc.constantFrom('evil.example', '127.0.0.1', 'localhost:80', '[::1]', '[', ':', 'a b'),
          rawBytes.map((bytes) => bytes.subarray(0, 40).toString('latin1')),
        );
        const body = fc.option(fc.tuple(fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data', 'application/xml', 'x/y'), rawBytes), { nil: undefined });
        const route = fc.constantFrom('POST /sessions/sign-out-others', 'POST /login');
        const outcome = await fc.check(
          fc.asyncProperty(route, site, origin, hostHeader, body, async (which, fetchSite, originValue, hostValue, payload) => {
            const [method, path] = which.split(' ') as [string, string];
            const headers: Array<[string, string | Buffer]> = [['Host', Buffer.from(hostValue, 'latin1')], ['Accept', 'application/json']];
            // (A sign-in revokes the cookie it is sent with: the login gets none.)
            if (path !== '/login') headers.push(['Cookie', `session=${attacker.token}`]);
            if (fetchSite !== undefined) headers.push(['Sec-Fetch-Site', fetchSite]);
            if (originValue !== undefined) headers.push(['Origin', Buffer.from(originValue, 'utf8')]);
            if (payload === undefined) headers.push(['Content-Length', '0']);
            else headers.push(['Content-Type', payload[0]], ['Content-Length', String(payload[1].length)]);
            const bytes = rawRequest(method, path === '/login' ? `/login?user=${attacker.userId}-origin` : path, headers);
            const reply = await hit(app(), payload === undefined ? bytes : Buffer.concat([bytes, payload[1]]), 'origin');
            if (!answered(reply)) return false;
            const fetchSiteValue = fetchSite?.trim().toLowerCase();
            const ownOrigin = `http://${hostValue}`;
            let sameOrigin = false;
            try {
              sameOrigin = originValue !== undefined && new URL(originValue).origin === new URL(ownOrigin).origin && /^[A-Za-z0-9.:[\]-]+$/.test(hostValue);
            } catch {
              sameOrigin = false;
            }
            const crossSite =
              fetchSiteValue !== undefined && fetchSiteValue !== ''
                ? fetchSiteValue !== 'same-origin' && fetchSiteValue !== 'none'
                : originValue !== undefined && !sameOrigin;
            if (crossSite) return reply.status === 403 || reply.status === 400 || reply.status === 431;
            return reply.status < 500;
          }),
          { numRuns: RUNS },
        );
        failures += Number(outcome.failed);
        expect(outcome.failed, `${fc.defaultReportMessage(outcome) ?? ''}\nlast request: ${last}`).toBe(false);
        expect(seen('origin', 403)).toBeGreaterThan(0);
        expect(seen('origin', 200)).toBeGreaterThan(0);
        expect((await sessions.validate(attacker.token)).ok).toBe(true);
      });

      it('still serves the genuine sessions afterwards: nothing above crashed or wedged the app', async () => {
        const health = await send(app().port, 'GET', '/health');
        expect(health.status).toBe(200);
        const me = await send(app().port, 'GET', '/api/me', { cookie: `session=${victim.token}`, accept: 'application/json' });
        expect(me.status).toBe(200);
        expect((me.json as { sessionId: string }).sessionId).toBe(victim.sessionId);
        const bearer = await send(app().port, 'GET', '/api/me', { authorization: `Bearer ${victim.jwt}`, accept: 'application/json' });
        expect(bearer.status).toBe(200);
      });
    });
  }

  it('safeNextPath returns a same-origin path for any value at all', () => {
    const checked = fc.check(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.webUrl(), fc.webPath(), fc.anything()), fc.oneof(fc.constant(undefined), fc.string()), (value, fallback) =>
        staysHome(safeNextPath(value, fallback as string), 'http://127.0.0.1'),
      ),
      { numRuns: 5_000 },
    );
    count('safeNextPath');
    tried['safeNextPath'] = 5_000;
    failures += Number(checked.failed);
    expect(checked.failed, fc.defaultReportMessage(checked)).toBe(false);
  });
});
