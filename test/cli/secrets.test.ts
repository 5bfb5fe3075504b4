import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandLineRedactor } from '../../src/cli/redact.js';
import { cli } from './bin.js';

// A loopback port nothing listens on: every client is refused at once.
const CLOSED = '127.0.0.1:27201';

// A key passphrase and an inline PEM in mysql2's JSON `ssl` option, as a user writes them.
const SSL = JSON.stringify({ passphrase: 'hunter2', key: '-----BEGIN ENCRYPTED PRIVATE KEY-----MIIFHzBJBgkqKeyBody-----END ENCRYPTED PRIVATE KEY-----' });
const SECRETS = ['Pass1word', 'hunter2', 'MIIFHzBJBgkqKeyBody', 'BEGIN ENCRYPTED', 'Frag5ment', 'Tls6Secret', 'Opt7Secret'];

const folder = mkdtempSync(join(tmpdir(), 'session-revocation-cli-secrets-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe.concurrent('a store URL with secrets in its password, query and fragment, on a refused connection', () => {
  // [--store, what the one line names: scheme, user, host, port and database only]
  const stores: ReadonlyArray<readonly [string, string]> = [
    [`mysql://root:Pass1word@${CLOSED}/test?ssl=${SSL}#Frag5ment`, `cannot connect to MySQL at mysql://root@${CLOSED}/test (`],
    [`mysql://root:Pass1word@${CLOSED}/test?ssl=${encodeURIComponent(SSL)}&connectTimeout=2000`, `cannot connect to MySQL at mysql://root@${CLOSED}/test (`],
    [`postgres://app:Pass1word@${CLOSED}/test?ssl=${SSL}&options=-c%20app.key%3DOpt7Secret#Frag5ment`, `cannot connect to PostgreSQL at postgres://app@${CLOSED}/test (`],
    [`postgresql://app:Pass1word@${CLOSED}/test?sslpassword=hunter2&application_name=Opt7Secret`, `cannot connect to PostgreSQL at postgresql://app@${CLOSED}/test (`],
    [`redis://default:Pass1word@${CLOSED}/0?tls=${SSL}#Frag5ment`, `cannot connect to Redis at redis://default@${CLOSED}/0 (`],
    [`rediss://default:Pass1word@${CLOSED}/2?passphrase=Tls6Secret`, `cannot connect to Redis at rediss://default@${CLOSED}/2 (`],
  ];

  it.each(stores)('%s', async (store, named) => {
    for (const run of [await cli(['list', 'u1', '--store', store]), await cli(['list', 'u1'], { env: { SESSION_REVOCATION_STORE: store } })]) {
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^session-revocation: [^\n]+ECONNREFUSED[^\n]+\n$/);
      expect(run.stderr).toContain(named);
      for (const secret of SECRETS) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    }
  });

  it('a driver that quotes a query value it cannot read (mysql2: "Unknown SSL profile …") prints it hidden', async () => {
    const run = await cli(['list', 'u1', '--store', `mysql://root:Pass1word@${CLOSED}/test?ssl={"passphrase":hunter2}`]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/^session-revocation: [^\n]*Unknown SSL profile[^\n]*\n$/);
    for (const secret of SECRETS) expect(run.stderr).not.toContain(secret);
  });

  it('a warning a driver writes to the console itself (mysql2 on an invalid timezone) is hidden too', async () => {
    const run = await cli(['list', 'u1', '--store', `mysql://root:Pass1word@${CLOSED}/test?timezone=Opt7Secret`]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/Ignoring invalid timezone passed to Connection: \*\*\*/);
    expect(run.stderr).toMatch(/\nsession-revocation: cannot connect to MySQL at mysql:\/\/root@127\.0\.0\.1:27201\/test \(.*ECONNREFUSED.*\)\n$/);
    expect(run.stderr).not.toContain('Opt7Secret');
  });

  it('an SQLite file named with a query or a fragment: the file name only', async () => {
    const file = join(folder, 'missing', 'sessions.db');
    for (const store of [`sqlite:${file}?key=hunter2`, `sqlite:${file}#Frag5ment`, `sqlite:file:${file}?mode=ro&key=hunter2`]) {
      const run = await cli(['list', 'u1', '--store', store]);
      expect(run).toMatchObject({ code: 1, stdout: '' });
      expect(run.stderr).toMatch(/^session-revocation: [^\n]*\n$/);
      expect(run.stderr).toContain(file);
      for (const secret of SECRETS) expect(run.stderr).not.toContain(secret);
    }
  });
});

describe('a password of digits only, given in a query or a keyword string', () => {
  it.each([`postgres://app@${CLOSED}/test?password=123456`, `postgres://app@${CLOSED}/te@st?sslpassword=123456`, `host=127.0.0.1 port=27201 password=123456`])('%s: hidden in what a driver prints, other numbers kept', (store) => {
    const redact = commandLineRedactor(['list', 'u1', '--store', store], {});
    expect(redact('could not use password 123456 on port 27201')).toBe('could not use password *** on port 27201');
  });
});

describe('a password holding "+" and a percent-escape', () => {
  it('is hidden as a form decodes it ("+" a space) and as a driver decodes a URL\'s user info ("+" kept)', () => {
    const redact = commandLineRedactor(['list', 'u1', '--store', `postgres://app:p+ss%21word@${CLOSED}/test`], {});
    expect(redact('password "p+ss!word" / "p ss!word" / "p+ss%21word" refused')).toBe('password "***" / "***" / "***" refused');
  });
});
