import { afterEach, describe, expect, it } from 'vitest';
import { cli, type CliRun } from './bin.js';
import { startFakeTransmitter, type FakeTransmitter, type FakeTransmitterOptions } from './ssf-transmitter.js';

const TOKEN = 'Tok3n-s3cret-value';
const SESSION_REVOKED = 'https://schemas.openid.net/secevent/caep/event-type/session-revoked';
const ACCOUNT_DISABLED = 'https://schemas.openid.net/secevent/risc/event-type/account-disabled';
const RECEIVER = 'https://app.example/sessions/security-events';

// Each test its own port of this file's range, so a server still closing never answers another
// test; below the ephemeral ports (32768 and up), which another file's client sockets can hold.
let nextPort = 28010;
let running: FakeTransmitter | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function transmitter(options: Partial<FakeTransmitterOptions> = {}): Promise<FakeTransmitter> {
  running = await startFakeTransmitter({ port: nextPort++, token: TOKEN, ...options });
  return running;
}

function expectNoToken(...runs: CliRun[]): void {
  for (const run of runs) expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
}

function withToken(args: string[]): string[] {
  return [...args, '--token', TOKEN];
}

describe('SSF 1.0 "Creating a Stream": ssf create-stream', () => {
  it('push: POSTs the receiver-supplied values to the configuration endpoint with the bearer token, and prints the stream', async () => {
    const tr = await transmitter();
    const run = await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'push', '--endpoint', RECEIVER, '--events', `${SESSION_REVOKED},${ACCOUNT_DISABLED}`, '--description', 'sessions']));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    // Discovery first, without the token (the metadata is public), then the create call.
    expect(tr.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /.well-known/ssf-configuration', 'POST /ssf/stream']);
    expect(tr.requests[0]!.authorization).toBeUndefined();
    const create = tr.requests[1]!;
    expect(create.authorization).toBe(`Bearer ${TOKEN}`);
    expect(create.contentType).toBe('application/json');
    // Only Receiver-Supplied properties: delivery, events_requested, description.
    expect(create.body).toEqual({ delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: RECEIVER }, events_requested: [SESSION_REVOKED, ACCOUNT_DISABLED], description: 'sessions' });
    expect(run.stdout).toContain(`Created stream stream-1 on ${tr.issuer}:`);
    expect(run.stdout).toMatch(/stream id: +stream-1\n/);
    expect(run.stdout).toMatch(/audience: +https:\/\/receiver\.example\/app\n/);
    expect(run.stdout).toContain(`delivery:          push to ${RECEIVER}`);
    expect(run.stdout).toContain(SESSION_REVOKED);
    expectNoToken(run);
  });

  it('push with an authorization header: sent as delivery.authorization_header, never printed', async () => {
    const tr = await transmitter();
    const header = 'Bearer Push-Secr3t';
    const run = await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'push', '--endpoint', RECEIVER]), { env: { SESSION_REVOCATION_SSF_PUSH_AUTHORIZATION: header } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(tr.requests[1]!.body).toMatchObject({ delivery: { method: 'urn:ietf:rfc:8935', endpoint_url: RECEIVER, authorization_header: header } });
    expect(run.stdout).not.toContain('Push-Secr3t');
  });

  it('poll: delivery names the method only (the transmitter supplies the URL), and the poll URL is printed', async () => {
    const tr = await transmitter();
    const run = await cli(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll'], { env: { SESSION_REVOCATION_SSF_TOKEN: TOKEN } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const body = tr.requests[1]!.body as { delivery: unknown; events_requested: string[] };
    expect(body.delivery).toEqual({ method: 'urn:ietf:rfc:8936' });
    // Without --events: the event types the receiver acts on, and no others.
    expect(body.events_requested).toContain(SESSION_REVOKED);
    expect(body.events_requested).toContain(ACCOUNT_DISABLED);
    expect(body.events_requested).not.toContain('https://schemas.openid.net/secevent/caep/event-type/assurance-level-change');
    expect(run.stdout).toContain(`delivery:          poll from ${tr.pollUrl}stream-1`);
    expectNoToken(run);
  });

  it('409 from a transmitter that allows one stream per receiver: exit 1, says how to see the existing one', async () => {
    const tr = await transmitter({ oneStream: true });
    const args = withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']);
    expect((await cli(args)).code).toBe(0);
    const second = await cli(args);
    expect(second).toMatchObject({ code: 1, stdout: '' });
    expect(second.stderr).toMatch(/^session-revocation: no stream created: http:\/\/127\.0\.0\.1:\d+ answered 409: a stream already exists .*ssf status shows it\)?\.\n$/);
    expectNoToken(second);
  });

  it('a created stream naming another issuer is refused (the receiver MUST check iss)', async () => {
    const tr = await transmitter({ streamIssuer: 'https://someone-else.example' });
    const run = await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('stream stream-1 names issuer "https://someone-else.example", not http://127.0.0.1:');
  });

  it('a refused token: exit 1, 401 explained, the token printed nowhere', async () => {
    const tr = await transmitter();
    const run = await cli(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll', `--token=${TOKEN}-wrong`]);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/answered 401: the token is missing, expired or refused/);
    expectNoToken(run);
  });
});

describe('SSF 1.0 "Obtaining Transmitter Configuration Metadata"', () => {
  it('an issuer with a path: the well-known string goes between the host and the path', async () => {
    const tr = await transmitter({ issuerPath: '/tenant1' });
    const run = await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(tr.requests.map((request) => `${request.method} ${request.path}`)).toEqual(['GET /.well-known/ssf-configuration/tenant1', 'POST /tenant1/ssf/stream']);
  });

  it('metadata whose issuer differs from the one asked for is not used: nothing is sent to its endpoints', async () => {
    const tr = await transmitter({ metadata: { issuer: 'https://elsewhere.example' } });
    const run = await cli(withToken(['ssf', 'status', '--transmitter', tr.issuer]));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('names issuer "https://elsewhere.example"');
    expect(tr.requests).toHaveLength(1);
  });

  it('a metadata answer over 1 MiB is refused (exit 1), and nothing more is sent', async () => {
    const tr = await transmitter({ metadata: { padding: 'x'.repeat(1024 * 1024) } });
    const run = await cli(withToken(['ssf', 'status', '--transmitter', tr.issuer]));
    expect(run).toMatchObject({ code: 1, stdout: '', stderr: `session-revocation: ${tr.issuer}/.well-known/ssf-configuration answered more than 1048576 bytes.\n` });
    expect(tr.requests).toHaveLength(1);
  });

  it('plain http: refused for an issuer off this machine (exit 2), and for a metadata endpoint off this machine (exit 1, the token not sent)', async () => {
    const off = await cli(withToken(['ssf', 'status', '--transmitter', 'http://transmitter.example']));
    expect(off).toMatchObject({ code: 2, stdout: '' });
    expect(off.stderr).toMatch(/--transmitter \(http:\/\/transmitter\.example\/\) is plain http/);
    const tr = await transmitter({ metadata: { configuration_endpoint: 'http://transmitter.example/ssf/stream' } });
    const run = await cli(withToken(['ssf', 'status', '--transmitter', tr.issuer]));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(/configuration_endpoint \(http:\/\/transmitter\.example\/ssf\/stream\) is plain http/);
    expect(tr.requests).toHaveLength(1);
  });
});

describe('SSF 1.0 "Reading a Stream\'s Configuration" and "Reading a Stream\'s Status": ssf status', () => {
  it("lists the receiver's streams (GET without stream_id), each with its status (GET with stream_id)", async () => {
    const tr = await transmitter({ status: { status: 'paused', reason: 'SYSTEM_DOWN_FOR_MAINTENANCE' } });
    await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'push', '--endpoint', RECEIVER]));
    await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']));
    tr.requests.length = 0;
    const run = await cli(withToken(['ssf', 'status', '--transmitter', tr.issuer]));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const calls = tr.requests.filter((request) => request.path !== '/.well-known/ssf-configuration');
    expect(calls.map((request) => [request.method, request.path, request.query])).toEqual([
      ['GET', '/ssf/stream', {}],
      ['GET', '/ssf/status', { stream_id: 'stream-1' }],
      ['GET', '/ssf/status', { stream_id: 'stream-2' }],
    ]);
    for (const call of calls) expect(call.authorization).toBe(`Bearer ${TOKEN}`);
    expect(run.stdout).toContain(`Stream stream-1 on ${tr.issuer}: paused (SYSTEM_DOWN_FOR_MAINTENANCE)`);
    expect(run.stdout).toContain(`delivery:          push to ${RECEIVER}`);
    expect(run.stdout).toContain(`Stream stream-2 on ${tr.issuer}: paused`);
    expectNoToken(run);
  });

  it('--stream: that stream only; an unknown one is 404, explained', async () => {
    const tr = await transmitter();
    await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']));
    tr.requests.length = 0;
    const run = await cli(withToken(['ssf', 'status', '--transmitter', tr.issuer, '--stream', 'stream-1']));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(tr.requests.at(1)).toMatchObject({ method: 'GET', path: '/ssf/stream', query: { stream_id: 'stream-1' } });
    expect(run.stdout).toMatch(/^Stream stream-1 on http:\/\/127\.0\.0\.1:\d+: enabled\n/);
    const missing = await cli(withToken(['ssf', 'status', '--transmitter', tr.issuer, '--stream', 'nope']));
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/answered 404: there is no such stream for this receiver/);
  });

  it('no stream yet: says so, and how to create one', async () => {
    const tr = await transmitter();
    const run = await cli(withToken(['ssf', 'status', '--transmitter', tr.issuer]));
    expect(run).toMatchObject({ code: 0, stderr: '', stdout: `${tr.issuer} has no stream for this receiver: create one with session-revocation ssf create-stream.\n` });
  });
});

describe('SSF 1.0 "Triggering a Verification Event": ssf verify', () => {
  it("POSTs { stream_id, state } for the receiver's only stream, and prints the state", async () => {
    const tr = await transmitter();
    await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']));
    tr.requests.length = 0;
    const run = await cli(withToken(['ssf', 'verify', '--transmitter', tr.issuer, '--state', 'abc123']));
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const verify = tr.requests.at(-1)!;
    expect(verify).toMatchObject({ method: 'POST', path: '/ssf/verify', authorization: `Bearer ${TOKEN}`, contentType: 'application/json' });
    expect(verify.body).toEqual({ stream_id: 'stream-1', state: 'abc123' });
    expect(run.stdout).toBe(`Verification event requested on stream stream-1 of ${tr.issuer} (state abc123).\n`);
  });

  it('several streams and no --stream: exit 1 naming them; no verification requested', async () => {
    const tr = await transmitter();
    await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']));
    await cli(withToken(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll']));
    const run = await cli(withToken(['ssf', 'verify', '--transmitter', tr.issuer]));
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('has 2 streams for this receiver: name one with --stream <id> (stream-1, stream-2)');
    expect(tr.requests.filter((request) => request.path === '/ssf/verify')).toHaveLength(0);
  });
});

describe('ssf usage', () => {
  it.each([
    [['ssf'], /ssf needs a command: create-stream, verify or status/],
    [['ssf', 'frob'], /unknown command "ssf frob" \(ssf takes create-stream, verify or status\)/],
    [['ssf', 'status', '--transmitter', 'https://tr.example', '--store', 'memory'], /unknown option --store/],
    [['ssf', 'status', '--transmitter', 'https://tr.example'], /a token is required: --token <bearer> or SESSION_REVOCATION_SSF_TOKEN/],
    [['ssf', 'status', '--token', TOKEN], /--transmitter <issuer URL> is required/],
    [['ssf', 'create-stream', '--transmitter', 'https://tr.example', '--token', TOKEN], /--delivery takes push or poll/],
    [['ssf', 'create-stream', '--transmitter', 'https://tr.example', '--token', TOKEN, '--delivery', 'push'], /--delivery push needs --endpoint <receiver URL>/],
    [['ssf', 'create-stream', '--transmitter', 'https://tr.example', '--token', TOKEN, '--delivery', 'poll', '--endpoint', RECEIVER], /--endpoint is for --delivery push/],
    [['ssf', 'create-stream', '--transmitter', 'https://tr.example', '--token', TOKEN, '--delivery', 'push', '--endpoint', 'http://app.example/e'], /--endpoint \(http:\/\/app\.example\/e\) is plain http/],
  ])('%j: exit 2, one line', async (args, message) => {
    const run = await cli(args);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^session-revocation: [^\n]+\n$/);
    expect(run.stderr).toMatch(message);
    expectNoToken(run);
  });

  it('a token pasted where the issuer goes is not echoed back: the message shows *** in its place', async () => {
    for (const run of [await cli(['ssf', 'status', '--transmitter', TOKEN], { env: { SESSION_REVOCATION_SSF_TOKEN: TOKEN } }), await cli(['ssf', 'status', '--transmitter', TOKEN, '--token', TOKEN])]) {
      expect(run).toMatchObject({ code: 2, stdout: '' });
      expect(run.stderr).toContain('--transmitter must be an absolute https URL, not "***"');
      expectNoToken(run);
    }
  });

  it('a token read with its line ending (a CRLF .env file) is sent trimmed and hidden trimmed, also where the issuer goes', async () => {
    const run = await cli(['ssf', 'status', '--transmitter', TOKEN], { env: { SESSION_REVOCATION_SSF_TOKEN: `${TOKEN}\r\n` } });
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toContain('--transmitter must be an absolute https URL, not "***"');
    expectNoToken(run);
  });

  it('a transmitter quoting the token back is shown *** in the result on stdout and in an error', async () => {
    const tr = await transmitter({ status: { status: 'paused', reason: TOKEN } });
    const env = { SESSION_REVOCATION_SSF_TOKEN: ` Bearer ${TOKEN}\n` };
    await cli(['ssf', 'create-stream', '--transmitter', tr.issuer, '--delivery', 'poll'], { env });
    const paused = await cli(['ssf', 'status', '--transmitter', tr.issuer], { env });
    expect(paused.stdout).toContain(`Stream stream-1 on ${tr.issuer}: paused (***)`);
    await tr.close();
    running = await startFakeTransmitter({ port: nextPort++, token: TOKEN, status: { status: TOKEN } });
    await cli(['ssf', 'create-stream', '--transmitter', running.issuer, '--delivery', 'poll'], { env });
    const unknown = await cli(['ssf', 'status', '--transmitter', running.issuer], { env });
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toContain('answered an unknown status for stream stream-1: "***"');
    expectNoToken(paused, unknown);
  });

  it('help: the ssf commands are listed, and their own help asks for no store', async () => {
    const program = await cli(['--help']);
    for (const name of ['ssf create-stream', 'ssf verify', 'ssf status']) expect(program.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    const own = await cli(['ssf', 'create-stream', '--help']);
    expect(own).toMatchObject({ code: 0, stderr: '' });
    expect(own.stdout).toMatch(/^Usage: session-revocation ssf create-stream \[options\]\n/);
    expect(own.stdout).toContain('--delivery push|poll');
    expect(own.stdout).not.toContain('--store');
  });
});
