import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dropSchemas, freshSchema, POSTGRES_URL, postgresUp, testPool } from '../support/postgres-database.js';

const up = await postgresUp();
const root = resolve(import.meta.dirname, '../..');
const guide = await readFile(join(root, 'docs/multi-instance.md'), 'utf8');
if (!existsSync(join(root, 'dist/postgres.js'))) throw new Error('dist/ is missing: run npm run build before this test, which runs the guide on the built package.');

/** The first `ts` block after `heading` in docs/multi-instance.md. */
function snippet(heading: string): string {
  const at = guide.indexOf(`\n${heading}\n`);
  const block = /```ts\n([\s\S]*?)```/.exec(guide.slice(at));
  if (at < 0 || block?.[1] === undefined) throw new Error(`no ts block under ${heading}`);
  return block[1];
}

/** The snippet as an app would run it, on the built package, in a schema of its own; it signs in and validates on each line of stdin. */
function runnable(code: string, schema: string): string {
  const url = (path: string): string => pathToFileURL(join(root, path)).href;
  return `${code
    .replace("from 'pg'", `from '${url('node_modules/pg/lib/index.js')}'`)
    .replace("from 'session-revocation/postgres'", `from '${url('dist/postgres.js')}'`)
    .replace("from 'session-revocation'", `from '${url('dist/index.js')}'`)
    .replace('postgresStore({ pool', `postgresStore({ schema: '${schema}', pool`)}
const { createSessionManager: manager } = await import('${url('dist/index.js')}');
const app = typeof sessions === 'undefined' ? manager({ store }) : sessions;
process.stdin.setEncoding('utf8').on('data', async () => {
  try {
    const { token } = await app.create({ userId: 'u1' });
    console.log('validated', (await app.validate(token)).ok);
  } catch (error) {
    console.log('failed', error.code);
  }
});
console.log('ready');
`;
}

// The guide's pools are what an app copies: a server ending their idle connections (a restart, a failover) must not end the app.
describe.skipIf(!up)('docs/multi-instance.md PostgreSQL snippets', () => {
  const admin = testPool();
  const schemas: string[] = [];
  const scratch = mkdtemp(join(tmpdir(), 'pg-docs-'));
  afterAll(async () => {
    await dropSchemas(admin, schemas);
    await admin.end();
    await rm(await scratch, { recursive: true, force: true });
  });

  it.each(['## PostgreSQL', '## PostgreSQL behind a pooler'])('the app under "%s" outlives its server connections being ended', async (heading) => {
    const schema = freshSchema('docs');
    schemas.push(schema);
    const name = `docs_${schema}`;
    const url = `${POSTGRES_URL}?application_name=${name}`;
    const file = join(await scratch, `${schemas.length}.mjs`);
    await writeFile(file, runnable(snippet(heading), schema));
    const child = spawn(process.execPath, [file], { env: { ...process.env, DATABASE_URL: url, DIRECT_DATABASE_URL: url }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const waiting = new Set<() => void>();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => ((out += chunk), waiting.forEach((check) => check())));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => void (err += chunk));
    const exited = new Promise<string>((done) => child.on('exit', (code, signal) => done(`exited ${code ?? signal}: ${err}`)));
    const line = (pattern: RegExp): Promise<string> =>
      Promise.race([
        exited,
        new Promise<string>((done) => {
          const check = (): void => void (pattern.test(out) && (waiting.delete(check), done(pattern.exec(out)![0])));
          waiting.add(check);
          check();
        }),
      ]);
    try {
      expect(await line(/ready/)).toBe('ready');
      child.stdin.write('go\n');
      expect(await line(/validated \w+/)).toBe('validated true');
      out = '';
      const ended = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [name]);
      expect(ended.rowCount).toBeGreaterThan(0);
      // pg_terminate_backend only signals: wait until the backends are gone, so the app's sockets are closed before it is asked again.
      await expect.poll(async () => (await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0].n, { timeout: 5_000 }).toBe(0);
      child.stdin.write('go\n');
      expect(await line(/validated \w+|failed \w+/)).toBe('validated true');
    } finally {
      child.kill();
    }
  });
});
