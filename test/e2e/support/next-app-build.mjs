// The Next.js example's install and build, for its browser test and for `npm test`, which runs
// this file beside the unit tests so that the browser tests find the build done. Plain
// JavaScript: `node test/e2e/support/next-app-build.mjs` runs it without a TypeScript loader.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '../../..');
export const NEXT_APP = join(root, 'examples', 'next-app');
export const NEXT_BIN = join(NEXT_APP, 'node_modules', 'next', 'dist', 'bin', 'next');
export const NEXT_ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NEXT_IGNORE_INCORRECT_LOCKFILE: '1' };
const SOURCES = ['app', 'lib', 'middleware.ts', 'next.config.mjs', 'tsconfig.json', 'package-lock.json'];

/** Every file under `path` (or `path` itself), in a stable order. */
function filesUnder(path) {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => filesUnder(join(path, name)));
}

// By content, not dates: `npm test` rebuilds the library before the browser tests, which
// changes every date in dist/ and nothing else.
function fingerprint() {
  const hash = createHash('sha256');
  for (const file of [...SOURCES.map((name) => join(NEXT_APP, name)), join(root, 'dist')].flatMap(filesUnder)) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

function run(command, args, cwd, timeout) {
  execFileSync(command, args, { cwd, env: NEXT_ENV, stdio: ['ignore', 'inherit', 'inherit'], timeout });
}

/**
 * Installs the example from its own lockfile when its node_modules are missing, and builds it
 * with `next build` when its sources (or the library's build it imports) differ from those of
 * its last build; the library's build first, when missing.
 */
export function prepareNextApp() {
  if (!existsSync(join(root, 'dist', 'fetch.js'))) run('npx', ['tsup'], root, 120_000);
  // `npm install --no-save` from the lockfile rather than `npm ci`, which refuses a lockfile
  // without the other platforms' optional SWC binaries (a registry mirror may not carry them).
  if (!existsSync(NEXT_BIN)) run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--engine-strict'], NEXT_APP, 300_000);
  const stamp = join(NEXT_APP, '.next', 'sources.sha256');
  const sources = fingerprint();
  const built = existsSync(join(NEXT_APP, '.next', 'BUILD_ID')) && existsSync(stamp) ? readFileSync(stamp, 'utf8') : undefined;
  if (built === sources) return;
  run(process.execPath, [NEXT_BIN, 'build'], NEXT_APP, 420_000);
  writeFileSync(stamp, sources);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) prepareNextApp();
