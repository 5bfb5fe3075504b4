import { FORM_POST, NAVIGATION } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/** HTML forms posted without a valid session: the login page, like a page load; API calls keep their 401. */
export function describeForms({ describe, it, scenario, expectReply }: FrameworkSuiteContext): void {
  // A device whose session ended elsewhere, posting a form from its account page.
  const endedDevice = async () => {
    const device = await scenario().signedIn('alice');
    await scenario().sessions.revokeAll('alice');
    return device;
  };

  describe('form posts without a session', () => {
    it('an HTML form post is sent to the login page with next = the page it came from, the cookie cleared', async () => {
      const device = await endedDevice();
      const referer = `${scenario().url}/account?tab=security`;
      const reply = await device.request('/account', { method: 'POST', headers: { ...FORM_POST, referer }, body: 'name=Alice', browser: true });
      const location = '/login?next=/account%3Ftab%3Dsecurity&reason=session_revoked';
      expectReply(reply, 303, { headers: { location, 'cache-control': 'no-store' }, clearsCookie: true });
    });

    it('so is a form post from a browser that sends no Sec-Fetch headers', async () => {
      const device = await endedDevice();
      const headers = { ...NAVIGATION, 'content-type': 'application/x-www-form-urlencoded', referer: `${scenario().url}/account` };
      const reply = await device.request('/account', { method: 'POST', headers, body: 'name=Alice', browser: true });
      expectReply(reply, 303, { headers: { location: '/login?next=/account&reason=session_revoked' } });
    });

    it('next is left out with a Referer from another origin', async () => {
      const device = await endedDevice();
      const headers = { ...FORM_POST, referer: 'https://evil.example/account' };
      expectReply(await device.request('/account', { method: 'POST', headers, body: 'name=Alice', browser: true }), 303, { headers: { location: '/login?reason=session_revoked' } });
    });

    it('fetch() and JSON posts still get 401 JSON', async () => {
      const device = await endedDevice();
      const referer = `${scenario().url}/account`;
      for (const init of [
        // fetch() of a form body: Sec-Fetch-Mode: cors.
        { headers: { ...NAVIGATION, 'content-type': 'application/x-www-form-urlencoded', referer }, body: 'name=Alice' },
        { headers: { ...NAVIGATION, 'content-type': 'application/json', referer }, body: '{"name":"Alice"}', browser: true },
      ]) {
        expectReply(await device.request('/account', { method: 'POST', ...init }), 401, { json: { error: 'session_revoked' }, clearsCookie: true });
      }
    });

    it('a signed-in form post goes through', async () => {
      const device = await scenario().signedIn('alice');
      const reply = await device.request('/account', { method: 'POST', headers: { ...FORM_POST, referer: `${scenario().url}/account` }, body: 'name=Alice', browser: true });
      expectReply(reply, 200, { json: { userId: 'alice' } });
    });
  });
}
