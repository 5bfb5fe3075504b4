import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastifyApi, type FastifyApi } from '../../examples/fastify-api/app.js';
import { apiSmokeTest } from './api-smoke.js';

describe('examples/fastify-api', () => {
  let api: FastifyApi;
  let baseUrl: string;
  const log: string[] = [];

  beforeAll(async () => {
    api = await createFastifyApi({ log: (line) => log.push(line) });
    baseUrl = await api.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await api?.app.close();
  });

  it('signs in, answers /api/me, signs out everywhere, then answers 401', async () => {
    await apiSmokeTest(baseUrl);
    expect(log.some((line) => /user\.session_invalidated\s+reason=sign_out_everywhere user=u-ada kinds=browser,remember,impersonation$/.test(line))).toBe(true);
  });

  it('refuses a sign-in without the fields', async () => {
    const response = await fetch(`${baseUrl}/api/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(response.status).toBe(400);
  });
});
