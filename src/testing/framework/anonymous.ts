import { NAVIGATION } from './client.js';
import type { FrameworkSuiteContext } from './context.js';

/** Requests without a session: 401 JSON for API calls, a relative redirect for page navigations. */
export function describeAnonymous({ runner, scenario }: FrameworkSuiteContext): void {
  const { describe, it, expect } = runner;
  describe('anonymous requests', () => {
    it('an API call gets 401 JSON "unauthenticated", not cached, no cookie set', async () => {
      const reply = await scenario().request('/api/me');
      expect(reply.status).toBe(401);
      expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
      expect(reply.headers.get('cache-control')).toBe('no-store');
      expect(reply.json).toEqual({ error: 'unauthenticated' });
      expect(reply.cookies).toHaveLength(0);
    });

    it('a page navigation gets a relative 303 to the login page keeping next', async () => {
      const reply = await scenario().request('/dashboard?tab=2', { headers: NAVIGATION });
      expect(reply.status).toBe(303);
      expect(reply.headers.get('location')).toBe('/login?next=/dashboard%3Ftab%3D2');
      expect(reply.headers.get('cache-control')).toBe('no-store');
      const head = await scenario().request('/dashboard', { method: 'HEAD', headers: NAVIGATION });
      expect(head.status).toBe(303);
      expect(head.headers.get('location')).toBe('/login?next=/dashboard');
    });

    it('the redirect is never built from Host or X-Forwarded-Host', async () => {
      const reply = await scenario().request('/dashboard', {
        headers: { ...NAVIGATION, 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      });
      expect(reply.status).toBe(303);
      const location = reply.headers.get('location') ?? '';
      expect(location).toBe('/login?next=/dashboard');
      expect(location).not.toContain('evil');
    });

    it('a request that prefers JSON is an API call even from a browser', async () => {
      const reply = await scenario().request('/dashboard', { headers: { accept: 'application/json' } });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ error: 'unauthenticated' });
    });

    it('public routes still answer, with nobody signed in', async () => {
      const reply = await scenario().request('/api/public');
      expect(reply.status).toBe(200);
      expect(reply.json).toEqual({ userId: null, status: 'anonymous' });
    });
  });
}
