import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNodeRedis, deleteRunKeys, freshPrefix } from '../support/redis-clients.js';
import { requireService } from '../support/services.js';

const redisUp = await requireService('Redis', 6379);
const EXIT_BOUND = 10_000;

/** Runs the bundled child; resolves with its exit code and output, or "still running" after the bound. */
function runChild(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string; stillRunning: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ code: null, output, stillRunning: true });
    }, EXIT_BOUND);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, stillRunning: false });
    });
  });
}

describe.skipIf(!redisUp)('a process using the Redis store exits once the app closed its client, even without sessions.close()', () => {
  let dir: string;
  let script: string;
  beforeAll(async () => {
    // Inside the project, so the bundle's bare imports (redis, ioredis, jose) resolve.
    await mkdir(join(process.cwd(), 'node_modules/.cache'), { recursive: true });
    dir = await mkdtemp(join(process.cwd(), 'node_modules/.cache/sr-exit-'));
    script = join(dir, 'exit-child.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, 'fixtures/exit-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: script,
      external: ['redis', 'ioredis', 'jose', 'ua-parser-js'],
      logLevel: 'silent',
    });
  }, 60_000);
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    // The children's keys, which they leave on purpose (they exit without sessions.close()).
    const client = await connectNodeRedis(6379);
    try {
      await deleteRunKeys(client);
    } finally {
      await client.close();
    }
  });

  for (const client of ['node-redis', 'ioredis']) {
    for (const durable of [false, true]) {
      it(`${client}, with access tokens${durable ? ' and durability' : ''}: exits by itself within ${EXIT_BOUND / 1000} s`, async () => {
        const result = await runChild(script, { CLIENT: client, PREFIX: freshPrefix('exit'), DURABLE: durable ? '1' : '0'});
        expect(result.output).toContain('closed');
        expect(result.stillRunning).toBe(false);
        expect(result.code).toBe(0);
      }, EXIT_BOUND + 20_000);
    }
  }
});
