import { afterAll, beforeAll, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createSessionManager, type SessionManager, type SessionStore } from '../../src/index.js';
import { tempDatabases } from '../sqlite/temp.js';
import { cli, type CliRun } from './bin.js';

// Stored text a terminal would obey or reorder: a right-to-left override in the user id and the reason (both refuse control
// characters, not bidi ones), a window title, a C1 CSI, a carriage return and a newline (a forged row) in a device name (the app's parser's).
const USER = 'eve\u202egpj.exe';
const AGENT = 'Mozilla/5.0';
const BROWSER = 'Chrome\u001b]0;pwned\u0007\u009b2J\r\n\u2066';
const REASON = 'fraud\u202d';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const files = tempDatabases();
const filename = files.next();
const store = (): string[] => ['--store', `sqlite:${filename}`];
let sessions: SessionManager;
let opened: SessionStore;

beforeAll(async () => {
  expect((await cli(['migrate', ...store()])).code).toBe(0);
  opened = sqliteStore({ filename });
  // Two devices: a second sign-in on the same one would replace the first.
  sessions = createSessionManager({ store: opened, deviceParser: (agent) => ({ browser: BROWSER, os: agent.endsWith(' 2') ? 'Mac OS' : 'Linux' }) });
  await sessions.create({ userId: USER, userAgent: AGENT });
  const ended = await sessions.create({ userId: USER, userAgent: `${AGENT} 2` });
  await sessions.revoke(ended.session.id, { reason: REASON });
});
afterAll(async () => {
  await sessions.close();
  await opened.close?.();
  files.removeAll();
});

function expectInert(run: CliRun): void {
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).not.toMatch(UNSAFE);
}

it('list prints stored text with control and bidi characters as "?"', async () => {
  const run = await cli(['list', USER, ...store()]);
  expectInert(run);
  const [header, row, ...more] = run.stdout.trimEnd().split('\n');
  expect({ header, more }).toEqual({ header: expect.stringMatching(/^DEVICE {2,}LAST USED/), more: [] });
  expect(row).toMatch(/^Chrome\?\]0;pwned\?\?2J\?{3} on Linux {2}/);
});

it('list --json and export-user escape them in JSON (\\u202e), read back as stored', async () => {
  const listed = await cli(['list', USER, '--json', ...store()]);
  expectInert(listed);
  expect(listed.stdout).toContain('"browser": "Chrome\\u001b]0;pwned\\u0007\\u009b2J\\r\\n\\u2066"');
  expect((JSON.parse(listed.stdout) as Array<{ deviceLabel: string }>)[0]).toMatchObject({ deviceLabel: `${BROWSER} on Linux` });

  const exported = await cli(['export-user', USER, ...store()]);
  expectInert(exported);
  expect(exported.stdout).toContain('"userId": "eve\\u202egpj.exe"');
  const data = JSON.parse(exported.stdout) as { userId: string; activity: Array<{ reason?: string }> };
  expect(data.userId).toBe(USER);
  expect(data.activity.map((entry) => entry.reason)).toContain(REASON);
});

it('a result line naming a stored id prints it as "?" too', async () => {
  const run = await cli(['revoke-user', USER, ...store()]);
  expectInert(run);
  expect(run.stdout).toMatch(/^Signed out user eve\?gpj\.exe everywhere /);
});
