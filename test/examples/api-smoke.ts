import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../examples/shared/demo-users.js';

export const UA = {
  macChrome: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  iphoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
};

/** Signs in through the example's JSON API; returns the `name=value` of the session cookie. */
export async function signIn(baseUrl: string, userAgent: string, password = DEMO_PASSWORD): Promise<{ status: number; cookie: string | undefined; body: unknown }> {
  const response = await fetch(`${baseUrl}/api/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ email: 'ada@acme.test', password }),
  });
  const setCookie = response.headers.getSetCookie().find((value) => value.startsWith('session='));
  return { status: response.status, cookie: setCookie?.split(';')[0], body: await response.json() };
}

const get = (baseUrl: string, path: string, cookie: string) => fetch(`${baseUrl}${path}`, { headers: { cookie, accept: 'application/json' } });

/**
 * The smoke test every JSON example passes: sign in on two devices, `/api/me`, the session
 * list, a refused cross-site post, sign out everywhere, then `401` on both devices.
 */
export async function apiSmokeTest(baseUrl: string): Promise<void> {
  const refused = await signIn(baseUrl, UA.macChrome, 'wrong-password');
  expect(refused).toMatchObject({ status: 401, cookie: undefined, body: { error: 'invalid_credentials' } });

  const laptop = await signIn(baseUrl, UA.macChrome);
  expect(laptop.status).toBe(200);
  expect(laptop.body).toMatchObject({ user: { id: 'u-ada', email: 'ada@acme.test', tenant: { name: 'Acme' } } });
  expect(laptop.cookie).toMatch(/^session=[\w-]+\.[\w-]+$/);
  const phone = await signIn(baseUrl, UA.iphoneSafari);

  const me = await get(baseUrl, '/api/me', laptop.cookie!);
  expect(me.status).toBe(200);
  expect(await me.json()).toMatchObject({ user: { id: 'u-ada', name: 'Ada Lovelace' } });

  const list = await get(baseUrl, '/api/sessions', laptop.cookie!);
  expect(list.status).toBe(200);
  const rows = (await list.json()) as { deviceLabel: string; current: boolean }[];
  expect(rows.map((row) => [row.deviceLabel, row.current])).toEqual([
    ['Chrome on Mac OS', true],
    ['Safari on iOS', false],
  ]);

  const crossSite = await fetch(`${baseUrl}/api/sessions/sign-out-everywhere`, {
    method: 'POST',
    headers: { cookie: laptop.cookie!, origin: 'https://evil.example' },
  });
  expect(crossSite.status).toBe(403);
  expect((await get(baseUrl, '/api/me', phone.cookie!)).status).toBe(200);

  const everywhere = await fetch(`${baseUrl}/api/sessions/sign-out-everywhere`, { method: 'POST', headers: { cookie: laptop.cookie! } });
  expect(everywhere.status).toBe(204);

  for (const device of [laptop, phone]) {
    const after = await get(baseUrl, '/api/me', device.cookie!);
    expect(after.status).toBe(401);
    expect(await after.json()).toEqual({ error: 'session_revoked' });
  }
}
