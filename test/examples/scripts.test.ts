import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

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
