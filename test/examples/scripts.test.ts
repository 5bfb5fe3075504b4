import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MissingDevDependency, missingDevDependency } from '../../examples/express-app/dev-dependencies.js';

/** Runs `node scripts/<script> <args>` until it prints its address, calls `check`, then stops it. */
async function withScript(
  args: readonly string[],
  check: (baseUrl: string, child: ChildProcess) => Promise<void>,
  command: string = process.execPath,
): Promise<void> {
  const child = spawn(command, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No address printed within 60 s:\n${output}`)), 60_000);
      child.stdout.on('data', () => {
        const found = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (found === null) return;
        clearTimeout(timer);
        resolve(found[1]!);
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`Exited with ${code}:\n${output}`));
      });
    });
    await check(baseUrl, child);
  } finally {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

describe('the example scripts build and start each app', () => {
  it('npm run demo -- --memory', async () => {
    await withScript(['scripts/demo.mjs', '--memory', '--port', '0', '--host', '127.0.0.1'], async (baseUrl) => {
      const login = await fetch(`${baseUrl}/login`);
      expect(login.status).toBe(200);
      const page = await login.text();
      expect(page).toContain('keystone-demo');
      expect(page).not.toContain('Sign in with the identity provider');
      expect(login.headers.get('content-security-policy')).toContain("form-action 'self';");
    });
  });

  it('npm run demo -- --memory --rotate: "Keep me signed in" makes a remember-me session, the kind it rotates', async () => {
    await withScript(['scripts/demo.mjs', '--memory', '--rotate', '--port', '0', '--host', '127.0.0.1'], async (baseUrl) => {
      const form = new URLSearchParams({ email: 'otto@globex.test', password: 'keystone-demo', remember: 'on', next: '/' });
      const signedIn = await fetch(`${baseUrl}/login`, { method: 'POST', redirect: 'manual', body: form, headers: { origin: baseUrl } });
      expect(signedIn.status).toBe(303);
      const cookie = /^(session=[^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')?.[1];
      const listed = (await (await fetch(`${baseUrl}/api/sessions`, { headers: { cookie: cookie! } })).json()) as Array<{ kind: string }>;
      expect(listed.map((session) => session.kind)).toEqual(['remember']);
    });
  });

  it('npm run demo -- --memory --idp: a local OpenID provider, the demo registered as its client', async () => {
    await withScript(['scripts/demo.mjs', '--memory', '--idp', '--port', '0', '--host', '127.0.0.1'], async (baseUrl) => {
      const login = await fetch(`${baseUrl}/login`);
      expect(await login.text()).toContain('Sign in with the identity provider');
      // The demo's forms may be redirected to the provider, and to it only.
      const issuer = /form-action 'self' (http:\/\/127\.0\.0\.1:\d+);/.exec(login.headers.get('content-security-policy') ?? '')?.[1];
      expect(issuer).toEqual(expect.any(String));
      const metadata = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      expect(metadata).toMatchObject({ issuer, backchannel_logout_supported: true, backchannel_logout_session_supported: true, end_session_endpoint: `${issuer}/session/end` });

      // "Sign in with the identity provider": to the provider, authorization code + PKCE, back to the demo.
      const start = await fetch(`${baseUrl}/login/idp`, { method: 'POST', redirect: 'manual', body: new URLSearchParams({ next: '/profile' }) });
      expect(start.status).toBe(303);
      const authorization = new URL(start.headers.get('location')!);
      expect(authorization.origin).toBe(issuer);
      expect(Object.fromEntries(authorization.searchParams)).toMatchObject({
        client_id: 'keystone-demo',
        response_type: 'code',
        redirect_uri: `${baseUrl}/login/idp/callback`,
        code_challenge_method: 'S256',
        prompt: 'login',
      });
      expect(start.headers.get('set-cookie')).toMatch(/^keystone_idp_sign_in=[\w-]+; Max-Age=600; Path=\/login\/idp\/callback; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
      // The back-channel logout URI it registered answers (a bad token: 400).
      const backchannel = await fetch(`${baseUrl}/api/sessions/backchannel-logout`, { method: 'POST', body: new URLSearchParams({ logout_token: 'not-a-token' }) });
      expect(backchannel.status).toBe(400);
    });
  });

  for (const name of ['fastify', 'koa']) {
    it(`node scripts/example.mjs ${name}`, async () => {
      await withScript(['scripts/example.mjs', name, '--port', '0', '--host', '127.0.0.1'], async (baseUrl) => {
        const me = await fetch(`${baseUrl}/api/me`);
        expect(me.status).toBe(401);
        expect(await me.json()).toEqual({ error: 'unauthenticated' });
      });
    });
  }
});

describe('npm run demo -- --idp without its devDependencies', () => {
  it('says what to install instead of a stack trace', async () => {
    const name = 'no-such-package-for-the-demo';
    const imported = import(name).catch(missingDevDependency(name));
    await expect(imported).rejects.toBeInstanceOf(MissingDevDependency);
    await expect(imported).rejects.toThrow(`npm run demo -- --idp needs ${name}, a devDependency of session-revocation. Run "npm install" in the repository (not with --omit=dev), then try again.`);
  });

  it('lets any other import failure through as it is', async () => {
    const broken = Promise.reject(new SyntaxError('Unexpected token')).catch(missingDevDependency('openid-client'));
    await expect(broken).rejects.toBeInstanceOf(SyntaxError);
  });
});

/** Whether anything still accepts connections at `baseUrl`, asked every 100 ms for up to 10 s. */
async function stillServing(baseUrl: string): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      await fetch(`${baseUrl}/login`, { signal: AbortSignal.timeout(1_000) });
    } catch {
      return false;
    }
    await sleep(100);
  }
  return true;
}

describe('npm run demo, as a person runs it', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops the server when npm gets ${signal}`, async () => {
      await withScript(
        ['run', '--silent', 'demo', '--', '--memory', '--port', '0', '--host', '127.0.0.1'],
        async (baseUrl, npm) => {
          expect((await fetch(`${baseUrl}/login`)).status).toBe(200);
          const exited = once(npm, 'exit');
          npm.kill(signal);
          await exited;
          expect(await stillServing(baseUrl)).toBe(false);
        },
        'npm',
      );
    });
  }

  it('says in one line that the port is taken, without a stack trace', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as AddressInfo;
    try {
      const child = spawn(process.execPath, ['scripts/demo.mjs', '--memory', '--port', String(port), '--host', '127.0.0.1'], {
        cwd: process.cwd(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(timer);
      expect(code).toBe(1);
      expect(output.trim()).toBe(`Port ${port} on 127.0.0.1 is already in use (is the demo already running?). Pick another one: npm run demo -- --port 3000`);
    } finally {
      blocker.close();
    }
  });
});
