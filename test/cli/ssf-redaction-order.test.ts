import { afterEach, expect, it } from 'vitest';
import { cli } from './bin.js';
import { startFakeTransmitter, type FakeTransmitter } from './ssf-transmitter.js';

// A transmitter quoting the token back: hidden on stdout wherever on the command line the token, or any flag, was given.
const TOKEN = 'Tok3n-s3cret-value';
let running: FakeTransmitter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

it('ssf status with a flag before "ssf": the token is not printed', async () => {
  running = await startFakeTransmitter({ port: 28190, token: TOKEN, status: { status: 'paused', reason: `bad token ${TOKEN}` } });
  await cli(['ssf', 'create-stream', '--transmitter', running.issuer, '--delivery', 'poll', '--token', TOKEN]);
  const usual = await cli(['ssf', 'status', '--transmitter', running.issuer, '--token', TOKEN]);
  const flagFirst = await cli(['--token', TOKEN, 'ssf', 'status', '--transmitter', running.issuer]);
  for (const run of [usual, flagFirst]) {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('paused');
    expect(run.stdout).not.toContain(TOKEN);
  }
});

it('ssf status with --transmitter before "ssf" and the token from the environment: the token is not printed', async () => {
  running = await startFakeTransmitter({ port: 28191, token: TOKEN, status: { status: 'paused', reason: `bad token ${TOKEN}` } });
  await cli(['ssf', 'create-stream', '--transmitter', running.issuer, '--delivery', 'poll', '--token', TOKEN]);
  const run = await cli(['--transmitter', running.issuer, 'ssf', 'status'], { env: { SESSION_REVOCATION_SSF_TOKEN: TOKEN } });
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('paused');
  expect(run.stdout).not.toContain(TOKEN);
});

it('a token holding a character printed as "?" (C1) is hidden whole when quoted back, not printed with it as "?"', async () => {
  const token = 'Tok3n\u0085s3cret-value';
  running = await startFakeTransmitter({ port: 28192, token, status: { status: 'paused', reason: `bad token ${token}` } });
  await cli(['ssf', 'create-stream', '--transmitter', running.issuer, '--delivery', 'poll', '--token', token]);
  const run = await cli(['ssf', 'status', '--transmitter', running.issuer, '--token', token]);
  expect(run.code).toBe(0);
  expect(run.stdout).toContain('paused (bad token ***)');
  expect(run.stdout).not.toContain('s3cret');
});
