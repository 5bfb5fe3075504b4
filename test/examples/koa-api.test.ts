import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKoaApi, type KoaApi } from '../../examples/koa-api/app.js';
import { apiSmokeTest } from './api-smoke.js';

describe('examples/koa-api', () => {
  let api: KoaApi;
  let server: Server;
  let baseUrl: string;
  const log: string[] = [];

  beforeAll(async () => {
    api = await createKoaApi({ log: (line) => log.push(line) });
    server = api.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await api?.sessions.close();
  });

  it('signs in, answers /api/me, signs out everywhere, then answers 401', async () => {
    await apiSmokeTest(baseUrl);
    expect(log.some((line) => /user\.session_invalidated\s+reason=sign_out_everywhere user=u-ada kinds=browser,remember,impersonation$/.test(line))).toBe(true);
  });

  it('refuses a sign-in that is not JSON', async () => {
    const response = await fetch(`${baseUrl}/api/sign-in`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(response.status).toBe(415);
  });
});
