import { afterEach, expect, it } from 'vitest';
import { cli, type CliRun } from './bin.js';
import { startFakeTransmitter, type FakeTransmitter } from './ssf-transmitter.js';

// A transmitter's text with terminal escape sequences: a window title, a screen clear, a C1 CSI, a DEL; and bidi overrides that reorder it.
const HOSTILE = '\u001b]0;pwned\u0007 \u001b[2J \u009b2J \u007f \u202e\u2067';
const TOKEN = 'Tok3n-s3cret-value';
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
let running: FakeTransmitter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

function expectNoControl(run: CliRun): void {
  expect(`${run.stdout}${run.stderr}`).not.toMatch(CONTROL);
}

it('ssf status prints a status reason with escape sequences and bidi overrides as "?", on stdout', async () => {
  running = await startFakeTransmitter({ port: 28200, token: TOKEN, status: { status: 'paused', reason: HOSTILE } });
  expect((await cli(['ssf', 'create-stream', '--transmitter', running.issuer, '--delivery', 'poll', '--token', TOKEN])).code).toBe(0);
  const run = await cli(['ssf', 'status', '--transmitter', running.issuer, '--token', TOKEN]);
  expect(run).toMatchObject({ code: 0, stderr: '' });
  expect(run.stdout).toContain(`Stream stream-1 on ${running.issuer}: paused (?]0;pwned? ?[2J ?2J ? ??)\n`);
  expectNoControl(run);
});

it('ssf create-stream prints a refused stream id with escape sequences as "?", on stderr', async () => {
  running = await startFakeTransmitter({ port: 28201, token: TOKEN, streamIdPrefix: '\u001b[2J', streamIssuer: 'https://other.example' });
  const run = await cli(['ssf', 'create-stream', '--transmitter', running.issuer, '--delivery', 'poll', '--token', TOKEN]);
  expect(run).toMatchObject({ code: 1, stdout: '' });
  expect(run.stderr).toBe(`session-revocation: stream ?[2J1 names issuer "https://other.example", not ${running.issuer}: its events would be refused.\n`);
  expectNoControl(run);
});
