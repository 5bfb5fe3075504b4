import { describe, expect, it } from 'vitest';
import { createSessionManager, type SessionEvent } from '../../src/index.js';
import { createSessionHttp, type ResponseTarget } from '../../src/http/index.js';
import { fakeRequest } from './fake-request.js';

const ROTATION = { rotateAfter: 600_000, rotationGrace: 60_000 };

function recorder(): ResponseTarget & { cookies: string[] } {
  const cookies: string[] = [];
  return { cookies, setHeader: () => undefined, appendSetCookie: (value) => void cookies.push(value) };
}

const MINUTE = 60_000;

async function setup(options: { sameSite?: 'lax' | 'none'; idleTimeout?: number } = {}) {
  let now = 1_800_000_000_000;
  const manager = createSessionManager({ clock: () => now, idleTimeout: options.idleTimeout, kinds: { remember: ROTATION } });
  const events: SessionEvent[] = [];
  manager.on('*', (event) => void events.push(event));
  const { token, session } = await manager.create({ userId: 'alice', kind: 'remember' });
  const http = createSessionHttp(manager, options.sameSite === 'none' ? { sameSite: 'none', secure: true } : {});
  const visit = async (site: string, cookie = token) => {
    const target = recorder();
    const name = options.sameSite === 'none' ? '__Host-session' : 'session';
    const sessions = await http.attach(fakeRequest({ headers: { cookie: `${name}=${cookie}`, 'sec-fetch-site': site, 'sec-fetch-mode': 'navigate' } }), target);
    return { sessions, cookies: target.cookies };
  };
  return { manager, token, session, events, visit, now: () => now, wait: (ms: number) => void (now += ms) };
}

// Another site's page can send the browser to the app with its Lax cookie (a top-level GET) and stop that navigation before the answer
// arrives (window.stop(), or a second navigation): the browser keeps the cookie it had.
describe('a request from another site when the cookie is due for rotation', () => {
  it('is let in without rotating: a navigation another site stopped cannot leave the browser with a retired cookie, later read as reuse', async () => {
    const { token, session, events, visit, wait } = await setup();
    wait(ROTATION.rotateAfter);
    const crossSite = await visit('cross-site');
    expect([crossSite.sessions.current?.id, crossSite.cookies]).toEqual([session.id, []]);
    // A use all the same: "last used" moves.
    expect(crossSite.sessions.current?.lastUsedAt).toBe(session.createdAt + ROTATION.rotateAfter);
    // The user comes back to the site long after, with the cookie the browser kept: still signed in, and now it rotates.
    wait(10 * ROTATION.rotationGrace);
    const back = await visit('none', token);
    expect(back.sessions.current?.id).toBe(session.id);
    expect(back.cookies).toEqual([expect.stringMatching(new RegExp(`^session=${session.id}\\.`))]);
    expect(events.map((event) => event.type)).not.toContain('session.reused');
  });

  it('rotates as before when the request comes from the site itself, or from a bookmark or a typed address', async () => {
    for (const site of ['same-origin', 'same-site', 'none']) {
      const { session, visit, wait } = await setup();
      wait(ROTATION.rotateAfter);
      expect((await visit(site)).cookies).toEqual([expect.stringMatching(new RegExp(`^session=${session.id}\\.`))]);
    }
  });

  it('still ends the session when it presents a retired cookie after the grace', async () => {
    const { token, visit, wait } = await setup();
    wait(ROTATION.rotateAfter);
    const [rotated] = (await visit('same-origin')).cookies;
    expect(rotated).toBeDefined();
    wait(ROTATION.rotationGrace);
    expect((await visit('cross-site', token)).sessions.status).toBe('anonymous');
    const successor = rotated!.slice('session='.length).split(';')[0]!;
    expect((await visit('same-origin', successor)).sessions.status).toBe('anonymous');
  });

  it('is use: a user who comes back through a link near the idle timeout stays signed in on the next click', async () => {
    const { visit, wait } = await setup({ idleTimeout: 30 * MINUTE });
    wait(29 * MINUTE);
    expect((await visit('cross-site')).sessions.status).toBe('authenticated');
    wait(2 * MINUTE);
    expect((await visit('same-origin')).sessions.status).toBe('authenticated');
  });

  it('rotates as before with a SameSite=None cookie, which rides on every request of an app used from another site', async () => {
    const { session, visit, wait } = await setup({ sameSite: 'none' });
    wait(ROTATION.rotateAfter);
    expect((await visit('cross-site')).cookies).toEqual([expect.stringMatching(new RegExp(`^__Host-session=${session.id}\\.`))]);
  });
});
