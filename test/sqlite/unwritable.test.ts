import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { bundleForChildren } from './bundle.js';
import { tempDatabases } from './temp.js';

interface SignerReport {
  readonly stage: 'open' | 'use' | 'done';
  readonly code?: string;
  readonly message?: string;
  readonly valid?: boolean;
}

const root = resolve(import.meta.dirname, '../..');
const IN_CI = process.env.CI === 'true';
// Root may write any file, so as root the store runs in a child as `nobody`; otherwise as this user.
const AS_ROOT = process.getuid?.() === 0;
// What better-sqlite3 loads at run time (its prebuild-install dependency only installs it).
const RUNTIME_PACKAGES = ['better-sqlite3', 'bindings', 'file-uri-to-path'];
const BETTER_SQLITE3_FILES = ['package.json', 'lib', 'build/Release/better_sqlite3.node'];
const files = tempDatabases();
let shared: string;
let child: { readonly uid: number; readonly gid: number } | undefined;
let unavailable: string | undefined;

/** Opens `path` (a directory and all in it) to every user, as the repository may sit where `nobody` cannot read. */
function openToAll(path: string): void {
  if (!statSync(path).isDirectory()) return chmodSync(path, 0o644);
  chmodSync(path, 0o755);
  for (const name of readdirSync(path)) openToAll(join(path, name));
}

/** `better-sqlite3` without its sources and build leftovers (28 MB), the others whole. */
function copyPackage(name: string): void {
  const from = join(root, 'node_modules', name);
  const keep = (path: string): boolean => {
    const inPackage = relative(from, path);
    return name !== 'better-sqlite3' || inPackage === '' || BETTER_SQLITE3_FILES.some((kept) => kept.startsWith(inPackage) || inPackage.startsWith(`${kept}/`));
  };
  cpSync(from, join(shared, 'node_modules', name), { recursive: true, filter: keep });
}

/** The id of `nobody`, or why a child cannot run as it. */
function nobody(): { readonly uid: number; readonly gid: number } | string {
  try {
    const id = (flag: string): number => Number(execFileSync('id', [flag, 'nobody'], { encoding: 'utf8', timeout: 10_000 }).trim());
    const user = { uid: id('-u'), gid: id('-g') };
    // Node itself and the shared directory must be open to it.
    execFileSync(process.execPath, ['-e', 'require("node:fs").readdirSync(process.argv[1])', shared], { ...user, cwd: shared, env: {}, timeout: 10_000, stdio: 'pipe' });
    return user;
  } catch (error) {
    return `cannot run a child process as nobody (${String((error as Error).message).split('\n')[0]})`;
  }
}

// The store runs in a child that imports it bundled, from a directory any user can read.
beforeAll(async () => {
  shared = mkdtempSync(join(tmpdir(), 'session-revocation-sqlite-shared-'));
  await bundleForChildren(shared, { sqlite: 'adapters/sqlite/index.ts', index: 'src/index.ts' });
  writeFileSync(join(shared, 'package.json'), '{ "type": "module" }\n');
  copyFileSync(join(import.meta.dirname, 'signer.mjs'), join(shared, 'signer.mjs'));
  for (const name of RUNTIME_PACKAGES) copyPackage(name);
  openToAll(shared);
  if (!AS_ROOT) return;
  const user = nobody();
  if (typeof user !== 'string') child = user;
  else {
    unavailable = user;
    if (!IN_CI) console.warn(`\n⚠ SQLite permission tests skipped: ${unavailable}; with CI=true they fail instead.\n`);
  }
}, 120_000);

afterAll(() => {
  files.removeAll();
  if (shared !== undefined) rmSync(shared, { recursive: true, force: true });
});

/** A database path in a new directory the child's user owns; without a child user, skipped (failed in CI). */
function databaseFor(context: TestContext): string {
  if (unavailable !== undefined) {
    if (IN_CI) throw new Error(`${unavailable}: as root, these tests need another user to prove anything.`);
    context.skip(unavailable);
  }
  const filename = files.next();
  if (child !== undefined) chownSync(dirname(filename), child.uid, child.gid);
  return filename;
}

/** Runs signer.mjs on `filename` as the child's user. */
async function signIn(filename: string): Promise<SignerReport> {
  const { stdout } = await promisify(execFile)(process.execPath, [join(shared, 'signer.mjs'), shared, filename], {
    ...child,
    cwd: shared,
    env: { PATH: process.env.PATH ?? '' },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as SignerReport;
}

/** Runs `body` with `path` set to `mode`, then gives its owner back write access (so it can be removed). */
async function withMode<T>(path: string, mode: number, body: () => Promise<T>): Promise<T> {
  chmodSync(path, mode);
  try {
    return await body();
  } finally {
    chmodSync(path, statSync(path).isDirectory() ? 0o700 : 0o600);
  }
}

const refusedAtStartup = (filename: string) => ({ stage: 'open', code: 'INVALID_CONFIGURATION', message: expect.stringContaining(`"${filename}"`) });

describe('sqlite store: a database the process may not write', () => {
  it('signs in and validates on a writable file in a writable directory', async (context) => {
    const filename = databaseFor(context);
    expect(await signIn(filename)).toEqual({ stage: 'done', valid: true });
    // Again on the file it left, as a restarted app would.
    expect(await signIn(filename)).toEqual({ stage: 'done', valid: true });
  }, 60_000);

  it('refuses at startup a database file that is not writable (SQLite would open it read-only), naming the file', async (context) => {
    const filename = databaseFor(context);
    expect(await signIn(filename)).toMatchObject({ stage: 'done' });
    const report = await withMode(filename, 0o444, () => signIn(filename));
    expect(report).toEqual(refusedAtStartup(filename));
    expect(report.message).toMatch(/not writable/);
  }, 60_000);

  it.for(['-wal', '-shm'])('refuses at startup a database whose %s file, left by another run, is not writable, naming the file', { timeout: 60_000 }, async (suffix, context) => {
    const filename = databaseFor(context);
    expect(await signIn(filename)).toMatchObject({ stage: 'done' });
    // What a crashed run left (as root, owned by root): SQLite then fails every write as SQLITE_READONLY.
    writeFileSync(`${filename}${suffix}`, Buffer.alloc(suffix === '-shm' ? 32_768 : 0));
    const report = await withMode(`${filename}${suffix}`, 0o444, () => signIn(filename));
    expect(report).toEqual(refusedAtStartup(filename));
    expect(report.message).toMatch(/journal file .* is not writable/);
  });

  it('refuses at startup a database in a directory that is not writable (no room for its -wal file), naming the file', async (context) => {
    const filename = databaseFor(context);
    expect(await signIn(filename)).toMatchObject({ stage: 'done' });
    const report = await withMode(dirname(filename), 0o555, () => signIn(filename));
    expect(report).toEqual(refusedAtStartup(filename));
    expect(report.message).toMatch(/directory .* is not writable .*-wal/);
  }, 60_000);

  it('refuses at startup a new database in a directory that is not writable, saying the file cannot be created', async (context) => {
    const filename = databaseFor(context);
    const report = await withMode(dirname(filename), 0o555, () => signIn(filename));
    expect(report).toEqual(refusedAtStartup(filename));
    expect(report.message).toMatch(/directory .* is not writable .*the database file/);
  }, 60_000);
});
