import { BROWSERS, NAVIGATION, NOT_SNIFFED, NOT_STORED } from './client.js';
import { meStatuses, type FrameworkSuiteContext } from './context.js';
import { originOfFormPost } from './legacy-browser.js';
import { DAY } from '../store/fixtures.js';

/** The "This wasn't me" page of a new-sign-in email: GET asks, POST acts, once. */
export function describeRevocationLinks({ describe, it, expect, scenario, expectReply }: FrameworkSuiteContext): void {
  describe('"This wasn\'t me" links', () => {
    const linkFor = async (sessionId: string | undefined) => (await scenario().sessions.issueRevocationLink(sessionId!))!;
    const page = (token: string, extra = '') => `/sessions/not-me?token=${encodeURIComponent(token)}${extra}`;
    // Posts the page's form: a 200 page that says `text`.
    const expectSignedOut = async (path: string, text: string, headers?: Record<string, string>) => {
      const done = await scenario().request(path, { method: 'POST', headers });
      expect(done.status).toBe(200);
      expect(done.body).toContain(text);
    };

    it('GET only shows a confirmation, never signs out, and sends a Referer to this site only; POST signs the device out, from a browser with no session', async () => {
      const stranger = await scenario().signedIn('alice', BROWSERS.firefoxWindows);
      const link = await linkFor(stranger.sessionId);
      for (const method of ['GET', 'HEAD', 'GET']) {
        const shown = await scenario().request(page(link), { method, headers: NAVIGATION });
        // A Referer goes to this site only: the token in the page's address never leaves it.
        expectReply(shown, 200, { headers: { ...NOT_STORED, ...NOT_SNIFFED, 'referrer-policy': 'same-origin' } });
        if (method === 'GET') expect(shown.body).toContain('method="post"');
      }
      expect((await stranger.request('/api/me')).status).toBe(200);
      await expectSignedOut(page(link), 'That device was signed out');
      expect((await stranger.request('/api/me')).status).toBe(401);
      const [entry] = await scenario().sessions.activity('alice', { limit: 1 });
      expect([entry?.type, entry?.reason, entry?.sessionId]).toEqual(['session.revoked', 'not_me', stranger.sessionId]);
    });

    it('a link works once: used again it is refused and signs out nothing more', async () => {
      const stranger = await scenario().signedIn('alice', BROWSERS.firefoxWindows);
      const link = await linkFor(stranger.sessionId);
      expect((await scenario().request(page(link), { method: 'POST' })).status).toBe(200);
      const laptop = await scenario().signedIn('alice');
      expect((await scenario().request(page(link, '&everywhere=1'), { method: 'POST' })).status).toBe(410);
      expect((await laptop.request('/api/me')).status).toBe(200);
    });

    it('everywhere=1 signs out every device of the user', async () => {
      const [stranger, laptop, phone] = await scenario().signedInOn('alice', BROWSERS.firefoxWindows, BROWSERS.chromeMac, BROWSERS.safariIphone);
      const bob = await scenario().signedIn('bob');
      await expectSignedOut(page(await linkFor(stranger.sessionId), '&everywhere=1'), 'Every device was signed out');
      expect(await meStatuses(stranger, laptop, phone, bob)).toEqual(['session_revoked', 'session_revoked', 'session_revoked', 200]);
    });

    it("ends the attacker's new session after a sign-in again from the same browser, once the linked session's row is pruned", async () => {
      await scenario().signedIn('alice');
      const stranger = await scenario().signedIn('alice', BROWSERS.firefoxWindows);
      const first = stranger.sessionId;
      // A link sent late in the session's life (a reminder): its session expires before the link does.
      scenario().advance(25 * DAY);
      const link = await linkFor(first);
      // The same browser signs in again: the first session is replaced, and no new link is sent.
      scenario().advance(4 * DAY);
      await stranger.signIn('alice');
      expect(stranger.sessionId).not.toBe(first);
      // The first session expires and is pruned; the attacker's second one lives on.
      scenario().advance(2 * DAY);
      await scenario().sessions.prune();
      expect((await stranger.request('/api/me')).status).toBe(200);
      await expectSignedOut(page(link), 'That device was signed out');
      expect((await stranger.request('/api/me')).status).toBe(401);
    });

    it('an altered, made-up or expired link is refused, and the genuine one still works until it expires', async () => {
      const stranger = await scenario().signedIn('alice', BROWSERS.firefoxWindows);
      const link = await linkFor(stranger.sessionId);
      const [id, secret] = link.split('.') as [string, string];
      const altered = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
      for (const forged of [altered, `${stranger.token}`, 'nothing', '']) expect((await scenario().request(page(forged), { method: 'POST' })).status).toBe(410);
      expect((await stranger.request('/api/me')).status).toBe(200);
      const expiring = await linkFor(stranger.sessionId);
      scenario().advance(7 * DAY);
      for (const expired of [expiring, link]) expect((await scenario().request(page(expired), { method: 'POST' })).status).toBe(410);
      expect((await stranger.request('/api/me')).status).toBe(200);
    });

    it("its own form works in a browser without Sec-Fetch-Site, which sends Origin as the page's Referrer-Policy allows", async () => {
      const stranger = await scenario().signedIn('alice', BROWSERS.firefoxWindows);
      const shownAt = `${scenario().url}${page(await linkFor(stranger.sessionId))}`;
      const shown = await scenario().request(shownAt.slice(scenario().url.length), { headers: NAVIGATION });
      const action = /<form method="post" action="([^"]+)"/.exec(shown.body)![1]!.replace(/&#38;/g, '&');
      const origin = originOfFormPost(shown.headers.get('referrer-policy'), shownAt, `${scenario().url}${action}`);
      const headers = { ...NAVIGATION, 'content-type': 'application/x-www-form-urlencoded', origin, referer: shownAt };
      await expectSignedOut(action, 'That device was signed out', headers);
      expect((await stranger.request('/api/me')).status).toBe(401);
    });

    it('a cross-site POST is refused and signs out nothing, whatever the browser says of it', async () => {
      const stranger = await scenario().signedIn('alice', BROWSERS.firefoxWindows);
      const link = await linkFor(stranger.sessionId);
      const forgeries: Record<string, string>[] = [
        { origin: 'https://evil.example' },
        // A browser without Sec-Fetch-Site posting from a sandboxed frame or a no-referrer page of another site.
        { origin: 'null' },
        { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
        { origin: 'null', 'sec-fetch-site': 'cross-site' },
        { origin: scenario().url, 'sec-fetch-site': 'same-site' },
      ];
      for (const headers of forgeries) expect((await scenario().request(page(link), { method: 'POST', headers })).status).toBe(403);
      expect((await stranger.request('/api/me')).status).toBe(200);
      expect((await scenario().request(page(link), { method: 'POST' })).status).toBe(200);
    });
  });
}
