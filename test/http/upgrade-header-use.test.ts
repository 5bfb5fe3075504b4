import { describe, expect, it } from 'vitest';
import { createSessionManager } from '../../src/index.js';
import { createSessionHttp, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const ROTATION = { rotateAfter: 600_000, rotationGrace: 60_000 };

function target(): ResponseTarget & { cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, setHeader: () => undefined, appendSetCookie: (value) => void cookies.push(value) };
}

// The session layer reads the session before any handler upgrades: the Upgrade header decides, and a client can send it on any request.
describe('a request with Upgrade that the app answers as a page', () => {
  it('is no use of the session: a due cookie is not rotated and "last used" stays', async () => {
    let now = 1_800_000_000_000;
    const manager = createSessionManager({ clock: () => now, kinds: { remember: ROTATION } });
    const { token, session } = await manager.create({ userId: 'ada', kind: 'remember' });
    const http = createSessionHttp(manager);
    now += 3_600_000;
    const written = target();
    const sessions = await http.attach(fakeRequest({ url: '/account', headers: { cookie: `session=${token}`, upgrade: 'anything' } }), written);
    expect([sessions.userId, written.cookies]).toEqual(['ada', []]);
    expect((await manager.list('ada'))[0]?.lastUsedAt).toBe(session.createdAt);
  });

  it('a copy used only that way while the owner is away is caught once it comes back after the owner rotated, not before', async () => {
    let now = 1_800_000_000_000;
    const manager = createSessionManager({ clock: () => now, kinds: { remember: ROTATION } });
    const reused: string[] = [];
    manager.on('session.reused', (event) => void reused.push(event.userId));
    const { token } = await manager.create({ userId: 'ada', kind: 'remember' });
    const http = createSessionHttp(manager);
    const thief = () => http.attach(fakeRequest({ url: '/account', headers: { cookie: `session=${token}`, upgrade: 'x' } }), target());
    for (let use = 0; use < 3; use++) {
      now += 3_600_000;
      expect((await thief()).userId).toBe('ada');
    }
    now += 3_600_000;
    const ownerAnswer = target();
    const owner = await http.attach(fakeRequest({ url: '/account', headers: { cookie: `session=${token}` } }), ownerAnswer);
    expect([owner.userId, ownerAnswer.cookies.length, reused]).toEqual(['ada', 1, []]);
    now += ROTATION.rotationGrace;
    expect((await thief()).status).toBe('anonymous');
    expect(reused).toEqual(['ada']);
  });
});
