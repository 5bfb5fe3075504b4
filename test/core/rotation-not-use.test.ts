import { describe, expect, it } from 'vitest';
import { createSessionHttp, createSessionRoutes } from '../../src/http/index.js';
import { createSessionManager, memoryStore } from '../../src/index.js';
import { fakeRequest } from '../http/fake-request.js';

const MINUTE = 60_000;
const T0 = 1_800_000_000_000;
const KINDS = { remember: { rotateAfter: 10 * MINUTE, rotationGrace: MINUTE, idleTimeout: 30 * MINUTE } };

// A rotation moves lastUsedAt, so a request that is no use of the session (a page's live sign-out stream) must not rotate.
describe('a rotating kind with an idle timeout, validated only as no use', () => {
  it('validate(token, { touch: false }) when rotation is due rotates nothing, and the session turns idle on time', async () => {
    let now = T0;
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, kinds: KINDS });
    const { token } = await sessions.create({ userId: 'ada', kind: 'remember' });
    now = T0 + 25 * MINUTE;
    const watched = await sessions.validate(token, { touch: false });
    expect(watched.ok && watched.rotatedToken).toBeUndefined();
    now = T0 + 31 * MINUTE;
    expect(await sessions.validate(token, { touch: false })).toEqual({ ok: false, reason: 'idle' });
    await sessions.close();
  });

  it('an open tab whose event stream reconnects every 12 minutes is signed out as idle after 30 minutes without use', async () => {
    let now = T0;
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, kinds: KINDS });
    const http = createSessionHttp(sessions);
    createSessionRoutes(sessions, { events: true });
    let { token: cookie } = await sessions.create({ userId: 'ada', kind: 'remember' });
    const statuses: string[] = [];
    for (let step = 1; step <= 4; step++) {
      now = T0 + step * 12 * MINUTE;
      const cookies: string[] = [];
      const target = { setHeader: () => undefined, appendSetCookie: (value: string) => void cookies.push(value) };
      const bound = await http.attach(fakeRequest({ url: '/sessions/events', headers: { accept: 'text/event-stream', cookie: `session=${cookie}` } }), target);
      statuses.push(bound.status);
      const rotated = cookies.find((value) => value.startsWith('session='));
      if (rotated !== undefined) cookie = rotated.slice('session='.length).split(';')[0]!;
    }
    expect(statuses).toEqual(['authenticated', 'authenticated', 'anonymous', 'anonymous']);
    await sessions.close();
  });

  it('any other GET asking for text/event-stream is a use: it rotates when due and moves "last used", so a copy polled that way is caught', async () => {
    let now = T0;
    const sessions = createSessionManager({ store: memoryStore(), clock: () => now, kinds: KINDS });
    const http = createSessionHttp(sessions);
    createSessionRoutes(sessions, { events: true });
    const { token, session } = await sessions.create({ userId: 'ada', kind: 'remember' });
    now = T0 + 25 * MINUTE;
    for (const url of ['/api/account', '/sessions/events/', '/other/sessions/events']) {
      const cookies: string[] = [];
      const target = { setHeader: () => undefined, appendSetCookie: (value: string) => void cookies.push(value) };
      expect((await http.attach(fakeRequest({ url, headers: { accept: 'text/event-stream', cookie: `session=${token}` } }), target)).status).toBe('authenticated');
      if (url === '/api/account') expect(cookies.some((value) => value.startsWith('session='))).toBe(true);
    }
    expect((await sessions.list('ada', { currentSessionId: session.id }))[0]?.lastUsed).toBe('Just now');
    now += 2 * MINUTE;
    expect(await sessions.validate(token)).toEqual({ ok: false, reason: 'reused' });
    await sessions.close();
  });
});
