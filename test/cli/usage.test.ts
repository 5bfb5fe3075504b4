import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { barePackage, cli, type CliRun } from './bin.js';

const COMMANDS = ['migrate', 'list', 'revoke-user', 'revoke-tenant', 'prune', 'stats', 'export-user', 'erase-user'];

/** An error as the CLI must print it: one line, the program's name first, no stack trace. */
function expectOneLine(run: CliRun, code: number, message: RegExp): void {
  expect(run.code).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^session-revocation: [^\n]+\n$/);
  expect(run.stderr).toMatch(message);
}

describe('session-revocation --help', () => {
  it('lists every command, the store flags and the exit codes (exit 0)', async () => {
    for (const args of [['--help'], ['-h']]) {
      const run = await cli(args);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: session-revocation <command>/);
      for (const command of COMMANDS) expect(run.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
      for (const flag of ['--store', '--prefix', '--schema', '--table', '--prepared-statements=false', '--table-prefix']) expect(run.stdout).toContain(flag);
      expect(run.stdout).toContain('Exit codes: 0 done, 1 refused or failed');
      // A password on the command line is in `ps` for every user of the machine: the help says where else to put it.
      expect(run.stdout).toMatch(/--store <where> .*with a password, better: SESSION_REVOCATION_STORE, kept out of ps and shell history/);
    }
  });

  it('each command has its own help, with no store needed (exit 0)', async () => {
    const runs = await Promise.all(COMMANDS.map((command) => cli([command, '--help'])));
    for (const [index, run] of runs.entries()) {
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(new RegExp(`^Usage: session-revocation ${COMMANDS[index]}( <(userId|tenantId)>)? --store <where>`));
    }
    expect((await cli(['list', '--help'])).stdout).toContain('--json');
    expect((await cli(['prune', '--help'])).stdout).toContain('better: SESSION_REVOCATION_STORE, kept out of ps and shell history');
    expect((await cli(['revoke-user', '--help'])).stdout).toMatch(/--kinds all\|<kind>.*\n.*--by <actor>/);
    expect((await cli(['prune', '--help'])).stdout).toContain('--batch-size <n>');
    expect((await cli(['revoke-tenant', '--help'])).stdout).toMatch(/--kinds all\|<kind>.*\n.*--by <actor>.*\n.*--yes/);
    expect((await cli(['stats', '--help'])).stdout).toMatch(/^Count the stored sessions per kind: live, revoked, expired\.$[\s\S]*--json/m);
  });
});

describe.concurrent('bad usage exits 2 with one line', () => {
  it.each([
    [[], /missing command/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['list', 'u1', '--store', 'memory', '--nope'], /unknown option --nope/],
    [['list', '--store', 'memory'], /list needs <userId>/],
    [['list', 'u1', 'u2', '--store', 'memory'], /list takes 1 argument \(<userId>\), not 2/],
    [['prune', '--store'], /^session-revocation: --store needs a value \(see/],
    // A value that looks like a flag is a value forgotten: neither help nor a store, an actor or an id.
    [['list', 'u1', '--store', '-h'], /^session-revocation: --store needs a value \(for one that starts with "-", write --store=<value>\)/],
    [['--store', '-h'], /^session-revocation: --store needs a value \(for one/],
    [['revoke-user', 'u1', '--store', 'memory', '--by', '-h'], /^session-revocation: --by needs a value \(for one/],
    [['revoke-user', '--by', '--help', 'u1', '--store', 'memory'], /^session-revocation: --by needs a value \(for one/],
    [['prune', '--store', 'memory', '--batch-size', '-5'], /^session-revocation: --batch-size needs a value \(for one/],
    [['list', 'u1'], /--store is required/],
    [['list', 'u1', '--store', 'mongodb://127.0.0.1/db'], /--store must be memory, sqlite:<file>, redis:\/\/…/],
    [['list', 'u1', '--store', 'sqlite:'], /sqlite:<file> needs a file name/],
    [['list', 'u1', '--store', 'memory', '--prefix', 'x:'], /--prefix is an option of the Redis store/],
    [['list', 'u1', '--store', 'memory', '--schema', 'x'], /--schema is an option of the PostgreSQL store/],
    [['list', 'u1', '--store', 'memory', '--prepared-statements=maybe'], /--prepared-statements takes true or false/],
    [['prune', '--store', 'memory', '--batch-size', '0'], /--batch-size must be a whole number from 1 to 100000/],
    [['prune', '--store', 'memory', '--json'], /unknown option --json/],
    [['revoke-user', 'u1', '--store', 'memory', '--kinds', 'browser,'], /--kinds takes "all" or a comma-separated list/],
    [['revoke-user', 'u1', '--store', 'memory', '--kinds', 'browser,Bogus!'], /--kinds: kind "Bogus!" must be 1-32 lowercase letters/],
    [['revoke-tenant', 'acme', '--store', 'memory', '--kinds', 'BAD', '--yes'], /--kinds: kind "BAD" must be 1-32 lowercase letters/],
    [['list', 'x'.repeat(300), '--store', 'memory'], /user/i],
    [['revoke-tenant', '--store', 'memory'], /revoke-tenant needs <tenantId>/],
    [['revoke-tenant', 't1', '--store', 'memory', '--kinds', ',browser'], /--kinds takes "all" or a comma-separated list/],
    [['revoke-tenant', 't1', '--store', 'memory', '--yes=no'], /--yes/],
    [['revoke-tenant', 'x'.repeat(300), '--yes', '--store', 'memory'], /tenant/i],
    [['stats', 'sessions', '--store', 'memory'], /stats takes no argument, not 1/],
    [['stats', '--store', 'memory', '--kinds', 'all'], /unknown option --kinds/],
    // The last of two stores is not taken silently: a revocation could reach the wrong database.
    [['revoke-user', 'u1', '--store', 'memory', '--store', 'sqlite:/nonexistent/s.db'], /^session-revocation: --store is given more than once: give it once/],
    [['list', 'u1', '--store=memory', '--store=memory'], /--store is given more than once/],
    [['revoke-user', 'u1', '--store', 'memory', '--by', 'alice', '--by=bob'], /--by is given more than once/],
  ])('%j', async (args, message) => {
    expectOneLine(await cli(args), 2, message);
  });

  it('a store option the store refuses is bad usage, in the store\'s words', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'session-revocation-cli-'));
    try {
      expectOneLine(await cli(['migrate', '--store', `sqlite:${join(directory, 's.db')}`, '--table-prefix', 'no-dashes']), 2, /tablePrefix must be lower-case letters, digits and "_"/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('an SQLite file that is not there', () => {
  it('is created by migrate only: other commands refuse it (exit 1) rather than create an empty database', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'session-revocation-cli-'));
    try {
      const filename = join(directory, 'typo.db');
      for (const args of [['list', 'u1'], ['prune'], ['revoke-user', 'u1'], ['export-user', 'u1']]) {
        expectOneLine(await cli([...args, '--store', `sqlite:${filename}`]), 1, /no SQLite database at .+typo\.db: run session-revocation migrate first, or check the path/);
      }
      expect(existsSync(filename)).toBe(false);
      expect((await cli(['migrate', '--store', `sqlite:${filename}`])).code).toBe(0);
      expect(await cli(['export-user', 'u1', '--store', `sqlite:${filename}`])).toMatchObject({ code: 0, stderr: '' });
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('the memory store', () => {
  it('runs every command on an empty store: nothing to migrate, no sessions, nothing to prune', async () => {
    expect(await cli(['migrate', '--store', 'memory'])).toMatchObject({ code: 0, stdout: 'The memory store keeps nothing between runs: nothing to migrate.\n', stderr: '' });
    expect(await cli(['list', 'u1', '--store', 'memory'])).toMatchObject({ code: 0, stdout: 'No live sessions for user u1.\n' });
    expect(await cli(['list', 'u1', '--store', 'memory', '--json'])).toMatchObject({ code: 0, stdout: '[]\n' });
    expect(await cli(['prune', '--store', 'memory'])).toMatchObject({ code: 0, stdout: 'Deleted 0 expired sessions.\n' });
    const exported = await cli(['export-user', 'u1', '--store', 'memory']);
    expect(JSON.parse(exported.stdout)).toEqual({ userId: 'u1', exportedAt: expect.any(Number), sessions: [], epochs: {}, lastSignIns: {}, denied: {}, activity: [], devices: [] });
    const revoked = await cli(['revoke-user', 'u1', '--store', 'memory', '--kinds', 'all']);
    expect(revoked).toMatchObject({ code: 0, stderr: '' });
    expect(revoked.stdout).toMatch(/^Signed out user u1 everywhere \(api, browser, impersonation, remember\)/);
    expect(await cli(['stats', '--store', 'memory'])).toMatchObject({ code: 0, stdout: 'No sessions in the store.\n', stderr: '' });
    expect(await cli(['stats', '--store', 'memory', '--json'])).toMatchObject({ code: 0, stdout: '{}\n' });
    const tenant = await cli(['revoke-tenant', 't1', '--store', 'memory', '--yes', '--kinds', 'browser,kiosk']);
    expect(tenant).toMatchObject({ code: 0, stderr: '' });
    expect(tenant.stdout).toMatch(/^Signed out tenant t1 \(browser, kiosk\): its sessions created until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ are refused\.\nNo session was ever stored for tenant t1: check the spelling \(and the store's prefix or schema\)\.\n$/);
    const declined = await cli(['revoke-tenant', 't1', '--store', 'memory'], { input: 'no\n' });
    expect(declined).toMatchObject({ code: 1, stdout: '' });
    expect(declined.stderr).toMatch(/^Sign out every user of tenant t1\? \[y\/N\] \nsession-revocation: Nothing signed out: tenant t1 was not confirmed \(answer "y", or pass --yes\)\.\n$/);
  });

  it('takes -h as help where no value is due, and an id that starts with "-" after --', async () => {
    expect((await cli(['list', '-h', '--store', 'memory'])).stdout).toMatch(/^Usage: session-revocation list <userId>/);
    expect(await cli(['list', '--store', 'memory', '--', '-h'])).toMatchObject({ code: 0, stdout: 'No live sessions for user -h.\n', stderr: '' });
    expect(await cli(['revoke-user', 'u1', '--store', 'memory', '--by=-h'])).toMatchObject({ code: 0, stderr: '' });
  });

  it('takes the store from SESSION_REVOCATION_STORE when --store is not given', async () => {
    expect(await cli(['list', 'u1'], { env: { SESSION_REVOCATION_STORE: 'memory' } })).toMatchObject({ code: 0, stdout: 'No live sessions for user u1.\n' });
  });
});

describe('a store that is down', () => {
  it('Redis: exit 1, one line naming the server without its password', async () => {
    const run = await cli(['list', 'u1', '--store', 'redis://:hunter2@127.0.0.1:1']);
    expectOneLine(run, 1, /^session-revocation: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)\n$/);
    expect(run.stderr).not.toContain('hunter2');
  });

  it('PostgreSQL: exit 1, one line naming the server without its password', async () => {
    const run = await cli(['migrate', '--store', 'postgres://postgres:hunter2@127.0.0.1:1/test']);
    expectOneLine(run, 1, /^session-revocation: cannot connect to PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/test \(.*ECONNREFUSED.*\)\n$/);
    expect(run.stderr).not.toContain('hunter2');
  });
});

describe('without the optional client packages', () => {
  const bare = barePackage();
  afterAll(() => bare.remove());

  it.each([
    ['redis://127.0.0.1:6379', /the Redis store needs a client: npm install ioredis \(or npm install redis\)/],
    ['postgres://postgres@127.0.0.1:5432/test', /the PostgreSQL store needs a client: npm install pg \(or npm install postgres\)/],
    [`sqlite:${join(bare.folder, 'sessions.db')}`, /the SQLite store needs better-sqlite3: npm install better-sqlite3/],
  ])('%s says which package to install (exit 1)', async (store, message) => {
    expectOneLine(await cli(['list', 'u1', '--store', store], { bin: bare.bin }), 1, message);
  });
});

describe('with the other client of each server (node-redis, postgres.js)', () => {
  const bare = barePackage(['redis', 'postgres']);
  afterAll(() => bare.remove());

  it('a Redis that is down: exit 1, one line', async () => {
    expectOneLine(await cli(['list', 'u1', '--store', 'redis://127.0.0.1:1'], { bin: bare.bin }), 1, /^session-revocation: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)\n$/);
  });

  it('a PostgreSQL that is down: exit 1, one line', async () => {
    expectOneLine(await cli(['list', 'u1', '--store', 'postgresql://127.0.0.1:1/test'], { bin: bare.bin }), 1, /^session-revocation: cannot connect to PostgreSQL at postgresql:\/\/127\.0\.0\.1:1\/test \(.*ECONNREFUSED.*\)\n$/);
  });
});

describe.concurrent('a store URL never has its password printed, however it is written', () => {
  // [where, the fragments of secrets it holds (none may be printed), what the one line says]
  const forms: ReadonlyArray<readonly [string, readonly string[], RegExp]> = [
    ['postgres://app@127.0.0.1:1/test?password=Pw1Secret', ['Pw1Secret'], /cannot connect to PostgreSQL at postgres:\/\/app@127\.0\.0\.1:1\/test \(/],
    ['postgres://app@127.0.0.1:1/test?sslmode=disable&pass=Pw2Secret', ['Pw2Secret'], /cannot connect to PostgreSQL at postgres:\/\/app@127\.0\.0\.1:1\/test \(/],
    ['postgres://app:Pw3a/Pw3b@127.0.0.1:1/test', ['Pw3a', 'Pw3b'], /--store postgres:\/\/… is not a valid URL/],
    // Parses as a URL, with the password's start taken for a port and its end for the path.
    ['postgres://app:4/Pw4Secret@127.0.0.1:1/test', ['Pw4Secret'], /cannot connect to PostgreSQL at postgres:\/\/127\.0\.0\.1:1\/test \(/],
    ['postgres://app:Pw5Secret@127.0.0.1:1/test?password=Pw5Other', ['Pw5Secret', 'Pw5Other'], /cannot connect to PostgreSQL at postgres:\/\/app@127\.0\.0\.1:1\/test \(/],
    ['postgres://app@127.0.0.1:1:2/test?password=Pw6Secret', ['Pw6Secret'], /is not a valid URL/],
    ['postgres://app:Pw7%2FSecret@127.0.0.1:1/test', ['Pw7%2FSecret', 'Pw7/Secret'], /cannot connect to PostgreSQL at postgres:\/\/app@127\.0\.0\.1:1\/test \(/],
    ['redis://:Pw8a/Pw8b@127.0.0.1:1', ['Pw8a', 'Pw8b'], /--store redis:\/\/… is not a valid URL/],
    ['redis://127.0.0.1:1/0?password=Pw9Secret', ['Pw9Secret'], /cannot connect to Redis at redis:\/\/127\.0\.0\.1:1\/0 \(/],
    ['mongodb://app:Pw10a/Pw10b@127.0.0.1/db', ['Pw10a', 'Pw10b'], /--store must be memory, .*mysql:\/\/… \(the value given is not printed: it may hold a password\)/],
    ['mongodb://app:Pw12Secret@127.0.0.1/db', ['Pw12Secret'], /--store must be memory, .* not "mongodb:\/\/app@127\.0\.0\.1\/db"/],
    // PostgreSQL's keyword strings, bare and quoted, with spaces around "=".
    ['host=127.0.0.1 password=HUNTER2 dbname=x', ['HUNTER2'], /not printed: it may hold a password\); write a keyword string \(host=… dbname=…\) as postgres:\/\/user:password@host:port\/dbname/],
    ["host=127.0.0.1 password = 'HUN TER3' dbname=x", ['HUN', 'TER3'], /not printed: it may hold a password/],
    // No scheme to go by: a password anywhere.
    ['postgres:HUNTER4', ['HUNTER4'], /--store must be memory, .*\(the value given is not printed: it may hold a password\)/],
    ['app:HUNTER5@127.0.0.1:5432/db', ['HUNTER5'], /not printed: it may hold a password/],
    ['postgres://host=127.0.0.1 password=HUNTER6 dbname=x', ['HUNTER6'], /--store postgres:\/\/… is not a valid URL \(the rest is not printed: it may hold a password\)/],
  ];
  const cases = forms.flatMap(([store, secrets, message]) => [
    ['--store', store, secrets, message] as const,
    ['SESSION_REVOCATION_STORE', store, secrets, message] as const,
  ]);

  it.each(cases)('%s %s', async (source, store, secrets, message) => {
    const run = source === '--store' ? await cli(['list', 'u1', '--store', store]) : await cli(['list', 'u1'], { env: { SESSION_REVOCATION_STORE: store } });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^session-revocation: [^\n]+\n$/);
    expect(run.stderr).toMatch(message);
    for (const secret of secrets) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
  });

  it('nor a stray argument, whatever its form (--store forgotten, or a value split by the shell)', async () => {
    for (const [stray, secrets] of [
      ['postgres://app:Pw11a/Pw11b@127.0.0.1:1/test?password=Pw11c', ['Pw11a', 'Pw11b', 'Pw11c']],
      ['postgres:HUNTER7', ['HUNTER7']],
      ['password=HUNTER8', ['HUNTER8']],
      ['HUNTER9', ['HUNTER9']],
    ] as const) {
      const run = await cli(['list', 'u1', stray, '--store', 'memory']);
      expectOneLine(run, 2, /list takes 1 argument \(<userId>\), not 2/);
      for (const secret of secrets) expect(run.stderr).not.toContain(secret);
    }
  });
});
