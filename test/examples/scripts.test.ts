import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Runs `node scripts/<script> <args>` until it prints its address, calls `check`, then stops it. */
async function withScript(args: readonly string[], check: (baseUrl: string) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, args, { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
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
    await check(baseUrl);
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
      expect(await login.text()).toContain('keystone-demo');
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
