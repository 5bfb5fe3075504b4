import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// These tests install the packed tarball the way a user would get it from the registry and
// load it from a separate folder, under CommonJS and ESM. They need `npm run build` first,
// which `npm test` runs before them: packing here skips `prepack`, so that no test rebuilds
// dist/ while another reads it (clean-checkout.test.ts packs a copy, with its scripts).
const root = resolve(import.meta.dirname, '../..');
const manifest = (await import('../../package.json', { with: { type: 'json' } })).default as { exports: Record<string, unknown> };
const subpaths = Object.keys(manifest.exports).filter((key) => key !== './package.json');
const specifiers = subpaths.map((key) => (key === '.' ? 'session-revocation' : `session-revocation/${key.slice(2)}`));
const peers = ['express', 'fastify', 'fastify-plugin', 'koa', 'ioredis', 'redis', 'pg', 'better-sqlite3', 'mysql2'];

let work: string;
let tarball: string;

function install(consumer: string, links: readonly string[], poisoned: readonly string[]): void {
  const modules = join(consumer, 'node_modules');
  mkdirSync(join(modules, 'session-revocation'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', join(modules, 'session-revocation'), '--strip-components=1']);
  for (const name of links) {
    const target = join(root, 'node_modules', name);
    mkdirSync(join(modules, name, '..'), { recursive: true });
    symlinkSync(target, join(modules, name), 'dir');
  }
  for (const name of poisoned) {
    mkdirSync(join(modules, name), { recursive: true });
    writeFileSync(join(modules, name, 'package.json'), JSON.stringify({ name, version: '0.0.0', main: 'index.js' }));
    writeFileSync(join(modules, name, 'index.js'), `throw new Error(${JSON.stringify(`${name} was loaded`)});\n`);
  }
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
}

function run(consumer: string, file: string, source: string): string {
  writeFileSync(join(consumer, file), source);
  return execFileSync(process.execPath, [file], { cwd: consumer, encoding: 'utf8' });
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'session-revocation-consumer-'));
  const output = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: root, encoding: 'utf8' });
  tarball = join(work, (JSON.parse(output) as Array<{ filename: string }>)[0]!.filename);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships the build and docs, not tests, sources or source maps', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n');
    expect(files.filter((file) => !/^package\/(dist\/.+\.(js|d\.ts)|package\.json|README\.md|LICENSE|CHANGELOG\.md|adapters\/postgres\/schema\.sql|docs\/[a-z-]+\.md)$/.test(file))).toEqual([]);
    expect(files).toContain('package/dist/index.js');
    expect(files).toContain('package/dist/index.d.ts');
  });

  it('every relative link of the README and the guides points at a file the package ships', () => {
    const files = new Set(execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n'));
    const documents = [...files].filter((file) => /^package\/(README\.md|docs\/[a-z-]+\.md)$/.test(file));
    expect(documents.length).toBeGreaterThan(5);
    const broken: string[] = [];
    for (const document of documents) {
      const text = execFileSync('tar', ['-xzOf', tarball, document], { encoding: 'utf8' });
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const resolved = posix.normalize(posix.join(posix.dirname(document), target!));
        if (!files.has(resolved)) broken.push(`${document} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('loads the core by import and by require without loading any framework or client', () => {
    const consumer = join(work, 'bare');
    install(consumer, ['jose', 'ua-parser-js'], peers);
    const check = `
      const { createSessionManager } = SESSION;
      const sessions = createSessionManager();
      sessions.create({ userId: 'u', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' })
        .then(({ token }) => sessions.validate(token))
        .then((result) => console.log(result.ok ? 'ok ' + result.session.browser : 'refused'));`;
    expect(run(consumer, 'esm.mjs', `import * as SESSION from 'session-revocation';\n${check}`)).toBe('ok Chrome\n');
    expect(run(consumer, 'cjs.cjs', `const SESSION = require('session-revocation');\n${check}`)).toBe('ok Chrome\n');
  });

  it('loads every subpath by require() and by import, with one copy of every class', () => {
    const consumer = join(work, 'full');
    const links = readdirSync(join(root, 'node_modules')).flatMap((name) =>
      name.startsWith('.') ? [] : name.startsWith('@') ? readdirSync(join(root, 'node_modules', name)).map((scoped) => `${name}/${scoped}`) : [name],
    );
    install(consumer, links.filter((name) => name !== 'session-revocation'), []);
    const cjs = run(
      consumer,
      'all.cjs',
      `${specifiers.map((specifier) => `require(${JSON.stringify(specifier)});`).join('\n')}
       console.log(Object.keys(require('session-revocation/testing')).length > 0 ? 'required ${specifiers.length}' : 'empty');`,
    );
    expect(cjs.trim()).toBe(`required ${specifiers.length}`);
    const esm = run(
      consumer,
      'all.mjs',
      `${specifiers.map((specifier, index) => `import * as m${index} from ${JSON.stringify(specifier)};`).join('\n')}
       import { createRequire } from 'node:module';
       const required = createRequire(import.meta.url)('session-revocation');
       console.log(required.SessionError === m0.SessionError ? 'one copy' : 'two copies');`,
    );
    expect(esm.trim()).toBe('one copy');
  });
});
