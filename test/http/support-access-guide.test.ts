import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { createSessionHttp, type RequestSessions, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const guide = await readFile(join(resolve(import.meta.dirname, '../..'), 'docs/security-page.md'), 'utf8');
const target = (): ResponseTarget => ({ setHeader: () => undefined, appendSetCookie: () => undefined });

/** The field docs/security-page.md tells an app to read, on a request, to know a support session is acting (and to refuse a password-less sign-in). */
function documentedCheck(sessions: RequestSessions): unknown {
  const path = /On a request, `req\.sessions\.([\w.]+)` tells the app/.exec(guide)?.[1];
  if (path === undefined) throw new Error('docs/security-page.md names no req.sessions field for support access');
  return path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], sessions);
}

describe('the Security page guide: telling support access on a request', () => {
  it('the field it names tells a support session by its cookie and by its access token alike', async () => {
    const manager = createSessionManager({ accessTokens: { secret: 'a-test-secret-of-at-least-32-bytes!!' } });
    const http = createSessionHttp(manager, { accessTokens: true });
    const admin = await manager.create({ userId: 'root', userAgent: CHROME });
    const support = await manager.impersonate(admin.session, 'ada');
    const own = await manager.create({ userId: 'ada', userAgent: CHROME });
    const attach = (headers: Record<string, string>) => http.attach(fakeRequest({ method: 'POST', url: '/switch-organization', headers: { 'user-agent': CHROME, ...headers } }), target());
    const byCookie = await attach({ cookie: `session=${support.token}` });
    const byToken = await attach({ authorization: `Bearer ${await manager.issueAccessToken(support.session)}` });
    const user = await attach({ cookie: `session=${own.token}` });
    expect([documentedCheck(byCookie), documentedCheck(byToken), documentedCheck(user) ?? null]).toEqual(['root', 'root', null]);
  });
});
