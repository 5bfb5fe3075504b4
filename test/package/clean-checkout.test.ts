import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm pack` on a fresh clone, where nothing has been built: `prepack` must build dist/ so that
// the tarball has the code. Then an app installs the tarball and fastify from the registry, the
// way a Fastify user would (`npm install session-revocation fastify`: no fastify-plugin named),
// and serves a signed-in request through session-revocation/fastify.
const root = resolve(import.meta.dirname, '../..');
const fastifyVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'fastify', 'package.json'), 'utf8')) as { version: string }).version;

let work: string;
let tarball: string;
let files: string[];

/** The files a clone has (tracked, plus new ones not ignored, so uncommitted work is tested too). */
function copyCheckout(to: string): void {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  for (const file of listed.split('\0')) {
    if (file === '' || !existsSync(join(root, file))) continue;
    mkdirSync(dirname(join(to, file)), { recursive: true });
    copyFileSync(join(root, file), join(to, file));
  }
}

/** Runs a command to its end, at most `timeout` ms; its output. */
async function run(command: string, args: readonly string[], cwd: string, timeout: number): Promise<string> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} ended with ${code ?? signal}:\n${output}`);
  return output;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'session-revocation-clean-'));
  const checkout = join(work, 'checkout');
  copyCheckout(checkout);
  expect(existsSync(join(checkout, 'dist'))).toBe(false);
  // The clone's `npm ci`, without the download: the same packages.
  symlinkSync(join(root, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  const output = await run('npm', ['pack', '--json', '--pack-destination', work], checkout, 240_000);
  const report = JSON.parse(output.slice(output.indexOf('\n[') + 1)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, report[0]!.filename);
  files = report[0]!.files.map((file) => file.path);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack on a clean checkout', () => {
  it('builds first: the tarball has the code of every subpath, its types and the guides', () => {
    for (const entry of ['index', 'http', 'testing', 'redis', 'postgres', 'mysql', 'sqlite', 'express', 'fastify', 'koa']) {
      expect(files).toContain(`dist/${entry}.js`);
      expect(files).toContain(`dist/${entry}.d.ts`);
    }
    expect(files).toContain('docs/quick-start-fastify.md');
    expect(files).toContain('docs/storage-adapter.md');
  });

  it('installed next to fastify alone, session-revocation/fastify serves a signed-in request', async () => {
    const app = join(work, 'fastify-app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'fastify-app', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball, `fastify@${fastifyVersion}`], app, 180_000);
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['fastify', 'session-revocation']);

    writeFileSync(
      join(app, 'server.mjs'),
      `import Fastify from 'fastify';
import { createSessionManager } from 'session-revocation';
import { sessionPlugin } from 'session-revocation/fastify';

const app = Fastify();
await app.register(sessionPlugin, { sessions: createSessionManager() });
app.post('/login', async (request) => {
  await request.sessions.signIn({ userId: 'ada' });
  return { signedIn: true };
});
app.get('/me', { preHandler: app.requireSession }, async (request) => ({ userId: request.sessions.userId }));
const address = await app.listen({ port: 0, host: '127.0.0.1' });
try {
  const anonymous = await fetch(address + '/me');
  const login = await fetch(address + '/login', { method: 'POST', headers: { origin: address } });
  const cookie = login.headers.getSetCookie()[0].split(';')[0];
  const me = await fetch(address + '/me', { headers: { cookie } });
  console.log(JSON.stringify({ anonymous: anonymous.status, login: login.status, me: me.status, body: await me.json() }));
} finally {
  await app.close();
}
`,
    );
    const output = await run(process.execPath, ['server.mjs'], app, 30_000);
    expect(JSON.parse(output.trim())).toEqual({ anonymous: 401, login: 200, me: 200, body: { userId: 'ada' } });
  }, 240_000);
});
