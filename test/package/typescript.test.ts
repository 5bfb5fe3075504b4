import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A TypeScript app installs the packed package and only what the README's "TypeScript" section
// says to install for the subpath it uses, then type-checks with skipLibCheck off: the
// package's declarations must hold up on their own. Packed without scripts: `npm test` builds
// before these tests run.
const root = resolve(import.meta.dirname, '../..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
/** The package's own dependencies, which npm installs with it. */
const DEPENDENCIES = ['jose', 'ua-parser-js', 'fastify-plugin'];

let work: string;
let tarball: string;

interface Consumer {
  /** What the README says to install for this subpath (besides @types/node). */
  readonly install: readonly string[];
  readonly source: string;
}

const CONSUMERS: Record<string, Consumer> = {
  core: {
    install: [],
    source: `import { createSessionManager, memoryStore, type SessionStore } from 'session-revocation';
const store: SessionStore = memoryStore();
const sessions = createSessionManager({ store });
const { token } = await sessions.create({ userId: 'u1' });
const result = await sessions.validate(token);
export const userId: string | undefined = result.ok ? result.session.userId : undefined;`,
  },
  http: {
    install: [],
    source: `import { safeNextPath } from 'session-revocation/http';
export const next: string = safeNextPath('/profile', '/');`,
  },
  client: {
    install: [],
    source: `import { watchSession, type SessionEndReason } from 'session-revocation/client';
export const stop: () => void = watchSession({ url: '/sessions/events', onRevoked: (reason: SessionEndReason) => void reason });`,
  },
  testing: {
    install: [],
    source: `import { describeStoreConformance } from 'session-revocation/testing';
import { memoryStore } from 'session-revocation';
export const register = (): void => describeStoreConformance('memory', () => memoryStore());`,
  },
  'redis (node-redis)': {
    install: ['redis'],
    source: `import { createClient } from 'redis';
import { redisStore } from 'session-revocation/redis';
export const store = redisStore({ client: createClient() });`,
  },
  'redis (node-redis Sentinel)': {
    install: ['redis'],
    source: `import { createSentinel } from 'redis';
import { redisStore } from 'session-revocation/redis';
export const store = redisStore({ client: createSentinel({ name: 'mymaster', sentinelRootNodes: [{ host: '127.0.0.1', port: 26379 }] }) });`,
  },
  'redis (ioredis)': {
    install: ['ioredis'],
    source: `import { Redis } from 'ioredis';
import { redisStore } from 'session-revocation/redis';
export const store = redisStore({ client: new Redis({ lazyConnect: true, enableOfflineQueue: false, autoResendUnfulfilledCommands: false }) });`,
  },
  postgres: {
    install: ['pg', '@types/pg'],
    source: `import pg from 'pg';
import { postgresStore } from 'session-revocation/postgres';
export const store = postgresStore({ pool: new pg.Pool() });`,
  },
  mysql: {
    install: ['mysql2'],
    source: `import mysql from 'mysql2/promise';
import { mysqlStore } from 'session-revocation/mysql';
export const store = mysqlStore({ pool: mysql.createPool({ host: '127.0.0.1' }) });`,
  },
  sqlite: {
    install: ['better-sqlite3', '@types/better-sqlite3'],
    source: `import { sqliteStore } from 'session-revocation/sqlite';
export const store = sqliteStore({ filename: ':memory:' });`,
  },
  express: {
    install: ['express', '@types/express'],
    source: `import express from 'express';
import { createSessionManager } from 'session-revocation';
import { requireSession, sessionMiddleware, sessionRoutes } from 'session-revocation/express';
const sessions = createSessionManager();
const app = express();
app.use(sessionMiddleware(sessions));
app.use(sessionRoutes(sessions));
app.get('/me', requireSession(), (req, res) => {
  const userId: string | null = req.sessions.userId;
  res.json({ userId });
});`,
  },
  fastify: {
    install: ['fastify'],
    source: `import Fastify from 'fastify';
import { createSessionManager } from 'session-revocation';
import { sessionPlugin } from 'session-revocation/fastify';
const app = Fastify();
await app.register(sessionPlugin, { sessions: createSessionManager(), routes: { prefix: '/sessions' } });
app.get('/me', { preHandler: app.requireSession }, async (request) => {
  const userId: string | null = request.sessions.userId;
  return { userId };
});`,
  },
  fetch: {
    install: [],
    source: `import { createSessionManager } from 'session-revocation';
import { requireSession, sessionHandler, sessionRoutes } from 'session-revocation/fetch';
const withSessions = sessionHandler(createSessionManager(), { loginPath: '/login' });
const routes = sessionRoutes(createSessionManager(), { prefix: '/api/sessions' });
export const GET = withSessions(async (request, sessions) => (await routes(request)) ?? requireSession(request) ?? Response.json({ userId: sessions.userId }));`,
  },
  hono: {
    install: ['hono'],
    source: `import { Hono } from 'hono';
import { createSessionManager } from 'session-revocation';
import { requireSession, sessionMiddleware, sessionRoutes } from 'session-revocation/hono';
const sessions = createSessionManager();
const app = new Hono();
app.use(sessionMiddleware(sessions));
app.use(sessionRoutes(sessions));
app.get('/me', requireSession(), (c) => {
  const userId: string | null = c.var.sessions.userId;
  return c.json({ userId });
});
export default app;`,
  },
  koa: {
    install: ['koa', '@types/koa'],
    source: `import Koa from 'koa';
import { createSessionManager } from 'session-revocation';
import { requireSession, sessionMiddleware } from 'session-revocation/koa';
const app = new Koa();
app.use(sessionMiddleware(createSessionManager()));
app.use(requireSession());
app.use((ctx) => {
  const userId: string | null = ctx.sessions.userId;
  ctx.body = { userId };
});`,
  },
};

/** A fresh project: the tarball unpacked as npm would, the named packages linked in. */
function project(name: string, links: readonly string[], options: { type: 'module' | 'commonjs'; module: string; source: string }): string {
  const folder = join(work, name.replace(/[^a-z]+/g, '-'));
  const modules = join(folder, 'node_modules');
  mkdirSync(join(modules, 'session-revocation'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', join(modules, 'session-revocation'), '--strip-components=1']);
  for (const link of [...DEPENDENCIES, '@types/node', ...links]) {
    mkdirSync(join(modules, link, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', link), join(modules, link), 'dir');
  }
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: options.type }));
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'es2022', module: options.module, strict: true, skipLibCheck: false, noEmit: true, esModuleInterop: true },
      files: ['index.ts'],
    }),
  );
  writeFileSync(join(folder, 'index.ts'), `${options.source}\n`);
  return folder;
}

/**
 * `tsc -p`: its exit code and its errors, each with its continuation lines. Errors located in
 * the third-party typings linked in from this repository's own node_modules are left out: that
 * tree hoists versions no single app would (Express 5 and Koa 3 side by side), and what is under
 * test is the package's declarations and the app's code.
 */
async function typecheck(folder: string): Promise<{ status: number | null; errors: string[] }> {
  const child = spawn(process.execPath, [tsc, '-p', folder, '--pretty', 'false'], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const [status] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  const errors = output.split(/\n(?=\S)/).map((error) => error.trim()).filter((error) => error !== '');
  const linked = join(root, 'node_modules') + sep;
  const ours = errors.filter((error) => !resolve(folder, error.split('(')[0]!).startsWith(linked));
  return { status: ours.length === 0 ? 0 : status, errors: ours };
}

/** Runs `jobs` two at a time (the machine's CPUs are shared), each result as its own promise. */
function limited<T>(jobs: ReadonlyArray<() => Promise<T>>, concurrency = 2): Promise<T>[] {
  let running = 0;
  const waiting: Array<() => void> = [];
  const slot = async (): Promise<void> => {
    if (running >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
  };
  const release = (): void => {
    running -= 1;
    waiting.shift()?.();
  };
  return jobs.map(async (job) => {
    await slot();
    try {
      return await job();
    } finally {
      release();
    }
  });
}

/** The first code block of `lang` in `text` after the line `heading`. */
function codeBlock(text: string, heading: string, lang: string): string {
  const section = text.slice(text.indexOf(`\n${heading}\n`));
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```').exec(section);
  if (match === null) throw new Error(`no ${lang} block after ${heading}`);
  return match[1]!;
}

/**
 * The Hono quick start's app, as `docs/quick-start-hono.md` has it, in a project configured the
 * way it says: `tsc --init`'s settings, then what the README's "TypeScript" section adds.
 */
function quickStartProject(): string {
  const guide = readFileSync(join(root, 'docs', 'quick-start-hono.md'), 'utf8');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const app = `${codeBlock(guide, '# Quick start: Hono 4', 'ts')}
declare function checkPassword(body: unknown): Promise<{ id: string } | undefined>;
declare function changeEmail(c: import('hono').Context): Response;`;
  const folder = project('hono quick start', ['hono', '@hono/node-server'], { type: 'module', module: 'nodenext', source: app });
  rmSync(join(folder, 'tsconfig.json'));
  execFileSync(process.execPath, [tsc, '--init'], { cwd: folder, stdio: 'ignore' });
  renameSync(join(folder, 'tsconfig.json'), join(folder, 'tsconfig.init.json'));
  const { compilerOptions } = JSON.parse(codeBlock(readme, '### TypeScript', 'json')) as { compilerOptions: object };
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({ extends: './tsconfig.init.json', compilerOptions: { ...compilerOptions, skipLibCheck: false, noEmit: true }, files: ['index.ts'] }),
  );
  return folder;
}

const SOURCE_CJS = `import { createSessionManager } from 'session-revocation';\nexport const sessions = createSessionManager();`;
let results: Map<string, Promise<{ status: number | null; errors: string[] }>>;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'session-revocation-typescript-'));
  const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  tarball = join(work, (JSON.parse(output) as Array<{ filename: string }>)[0]!.filename);
  const folders = new Map<string, string>([
    ...Object.entries(CONSUMERS).map(([name, consumer]) => [name, project(name, consumer.install, { type: 'module', module: 'nodenext', source: consumer.source })] as const),
    ['cjs nodenext', project('cjs nodenext', [], { type: 'commonjs', module: 'nodenext', source: SOURCE_CJS })],
    ['cjs node16', project('cjs node sixteen', [], { type: 'commonjs', module: 'node16', source: SOURCE_CJS })],
    ['hono quick start', quickStartProject()],
  ]);
  const names = [...folders.keys()];
  const pending = limited(names.map((name) => () => typecheck(folders.get(name)!)));
  for (const promise of pending) promise.catch(() => {});
  results = new Map(names.map((name, index) => [name, pending[index]!]));
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a TypeScript app (skipLibCheck off, module nodenext) type-checks with only what the README lists', () => {
  for (const [name, consumer] of Object.entries(CONSUMERS)) {
    it(`${name}: @types/node${consumer.install.map((pkg) => ` + ${pkg}`).join('')}`, async () => {
      expect(await results.get(name)).toEqual({ status: 0, errors: [] });
    }, 300_000);
  }
});

describe("the Hono quick start's app, with tsc --init's settings and the README's additions", () => {
  // tsc --init writes "types": [] (the default from TypeScript 6 on): the declarations then need Node's types named.
  it('type-checks with skipLibCheck off', async () => {
    expect(await results.get('hono quick start')).toEqual({ status: 0, errors: [] });
  }, 300_000);
});

describe('a CommonJS TypeScript app', () => {
  it('compiles with module nodenext (require() of the ES module, as Node >= 20.19 allows)', async () => {
    expect(await results.get('cjs nodenext')).toEqual({ status: 0, errors: [] });
  }, 300_000);

  it('is refused with module node16: that mode does not know require() of an ES module', async () => {
    const { status, errors } = (await results.get('cjs node16'))!;
    expect(status).not.toBe(0);
    expect(errors.join('\n')).toContain('TS1479');
  }, 300_000);
});
