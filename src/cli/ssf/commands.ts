import { randomBytes } from 'node:crypto';
import { checkProviderUrl } from '../../federated/provider-url.js';
import { EVENT_ACTIONS } from '../../security-events/event-types.js';
import { text, type FlagValues, type Flags, type RemoteCommand } from '../command.js';
import { CliError, usageError } from '../failure.js';
import { asUsage, checkIssuer, checkStream, DELIVERY, describeStream, readMetadata, readStreams, refusal, requestJson, required, theStream, type TransmitterMetadata } from './transmitter.js';

/** Flags every `ssf` command takes: which transmitter, and the token its management API wants. */
const TRANSMITTER_FLAGS: Flags = {
  transmitter: { type: 'string', help: ['--transmitter <issuer URL>', "The transmitter's issuer; its metadata is read from /.well-known/ssf-configuration"] },
  token: { type: 'string', help: ['--token <bearer>', 'Access token for its stream management API (better: SESSION_REVOCATION_SSF_TOKEN, kept out of ps and shell history)'] },
};

/** `ssf create-stream`: asks a transmitter for a stream to this receiver (SSF 1.0 "Creating a Stream"). */
const createStream: RemoteCommand = {
  name: 'ssf create-stream',
  remote: true,
  summary: 'Create the Shared Signals stream a transmitter sends security events on (Okta)',
  args: [],
  flags: {
    ...TRANSMITTER_FLAGS,
    delivery: { type: 'string', help: ['--delivery push|poll', 'push: the transmitter POSTs each event to --endpoint; poll: the app fetches them (pollSecurityEvents)'] },
    endpoint: { type: 'string', help: ['--endpoint <receiver URL>', "push: the app's security-events route, e.g. https://app.example/sessions/security-events"] },
    'push-authorization': {
      type: 'string',
      help: ['--push-authorization <value>', "push: the Authorization header the transmitter must send (the transmitter's `authorization` option), or SESSION_REVOCATION_SSF_PUSH_AUTHORIZATION"],
    },
    events: { type: 'string', help: ['--events <uri,uri…>', 'Event types to request (default: every type the receiver acts on)'] },
    description: { type: 'string', help: ['--description <text>', 'A description of the stream, for people'] },
  },
  details:
    'Prints the stream id, the delivery, the audience to configure and the events the transmitter delivers.\n' +
    'The token is never printed. Plain http is accepted on this machine only (127.0.0.0/8, ::1, localhost).',
  async run({ values, env, output }) {
    const description = text(values, 'description');
    const body = { delivery: delivery(values, env), events_requested: events(text(values, 'events')), ...(description === undefined ? {} : { description }) };
    const { metadata, token } = await transmitter(values, env);
    const { status, body: answer } = await requestJson(required(metadata, 'configuration_endpoint'), { method: 'POST', token, body });
    if (status !== 201 && status !== 200) throw refusal('no stream created', status, metadata.issuer);
    const stream = checkStream(answer, metadata.issuer);
    output.line(`Created stream ${stream.stream_id} on ${metadata.issuer}:`);
    for (const line of describeStream(stream)) output.line(line);
  },
};

/** `ssf verify`: asks the transmitter to send a verification event on the stream (SSF 1.0 "Triggering a Verification Event"). */
const verify: RemoteCommand = {
  name: 'ssf verify',
  remote: true,
  summary: 'Ask a transmitter to send a verification event on the stream',
  args: [],
  flags: {
    ...TRANSMITTER_FLAGS,
    stream: { type: 'string', help: ['--stream <id>', "The stream (default: the receiver's only stream)"] },
    state: { type: 'string', help: ['--state <text>', 'The state the event echoes back (default: a random one, printed)'] },
  },
  details:
    'The transmitter sends the event when it chooses: a push arrives at the security-events route (answered 202,\n' +
    'nothing ends); a poll stream returns it on the next round.',
  async run({ values, env, output }) {
    const { metadata, token } = await transmitter(values, env);
    const verification = required(metadata, 'verification_endpoint');
    const stream = await theStream(required(metadata, 'configuration_endpoint'), { token, issuer: metadata.issuer, streamId: text(values, 'stream') });
    const state = text(values, 'state') ?? randomBytes(12).toString('base64url');
    const { status } = await requestJson(verification, { method: 'POST', token, body: { stream_id: stream.stream_id, state } });
    if (status !== 204 && status !== 200 && status !== 202) throw refusal(`no verification event requested on stream ${stream.stream_id}`, status, metadata.issuer);
    output.line(`Verification event requested on stream ${stream.stream_id} of ${metadata.issuer} (state ${state}).`);
  },
};

/** `ssf status`: the receiver's streams on a transmitter, each with its status (SSF 1.0 "Reading a Stream's Status"). */
const status: RemoteCommand = {
  name: 'ssf status',
  remote: true,
  summary: "Show a transmitter's streams to this receiver and whether each is enabled",
  args: [],
  flags: { ...TRANSMITTER_FLAGS, stream: { type: 'string', help: ['--stream <id>', 'Only that stream (default: every stream of this receiver)'] } },
  details: 'A stream that is paused or disabled delivers nothing: ask the transmitter to enable it.',
  async run({ values, env, output }) {
    const { metadata, token } = await transmitter(values, env);
    const streams = await readStreams(required(metadata, 'configuration_endpoint'), { token, issuer: metadata.issuer, streamId: text(values, 'stream') });
    if (streams.length === 0) return output.line(`${metadata.issuer} has no stream for this receiver: create one with session-revocation ssf create-stream.`);
    for (const [index, stream] of streams.entries()) {
      if (index > 0) output.line('');
      const state = metadata.status_endpoint === undefined ? undefined : await readStatus(metadata.status_endpoint, token, metadata.issuer, stream.stream_id);
      output.line(`Stream ${stream.stream_id} on ${metadata.issuer}: ${state ?? 'status not published'}`);
      for (const line of describeStream(stream)) output.line(line);
    }
  },
};

/** The `ssf` commands, in the order the help lists them. */
export const SSF_COMMANDS: readonly RemoteCommand[] = [createStream, verify, status];

// The metadata of `--transmitter`, checked, and the bearer token: `--token`, else SESSION_REVOCATION_SSF_TOKEN, without a leading "Bearer ".
async function transmitter(values: FlagValues, env: NodeJS.ProcessEnv): Promise<{ metadata: TransmitterMetadata; token: string }> {
  const issuer = checkIssuer(values['transmitter']);
  const token = (text(values, 'token') ?? env['SESSION_REVOCATION_SSF_TOKEN'])?.trim().replace(/^Bearer\s+/i, '');
  if (token === undefined || token === '') throw usageError('a token is required: --token <bearer> or SESSION_REVOCATION_SSF_TOKEN');
  return { metadata: await readMetadata(issuer), token };
}

// The delivery object of the request: push names the receiver's URL; poll's URL is the transmitter's to give.
function delivery(values: FlagValues, env: NodeJS.ProcessEnv): Record<string, string> {
  const method = text(values, 'delivery');
  const endpoint = text(values, 'endpoint');
  const authorization = text(values, 'push-authorization') ?? env['SESSION_REVOCATION_SSF_PUSH_AUTHORIZATION'];
  if (method === 'poll') {
    if (endpoint !== undefined) throw usageError('--endpoint is for --delivery push: with poll the transmitter gives the URL');
    if (authorization !== undefined) throw usageError('--push-authorization is for --delivery push');
    return { method: DELIVERY.poll };
  }
  if (method !== 'push') throw usageError('--delivery takes push or poll');
  if (endpoint === undefined) throw usageError('--delivery push needs --endpoint <receiver URL>');
  const url = asUsage(() => checkProviderUrl(endpoint, '--endpoint'));
  return { method: DELIVERY.push, endpoint_url: url.href, ...(authorization === undefined || authorization === '' ? {} : { authorization_header: authorization }) };
}

function events(list: string | undefined): readonly string[] {
  if (list === undefined) return [...EVENT_ACTIONS.keys()];
  const uris = list.split(',').map((uri) => uri.trim());
  if (uris.some((uri) => uri === '' || !URL.canParse(uri))) throw usageError('--events takes a comma-separated list of event type URIs');
  return uris;
}

// "enabled", or "paused (reason)": the status endpoint's answer for one stream.
async function readStatus(endpoint: URL, token: string, issuer: string, streamId: string): Promise<string> {
  const url = new URL(endpoint);
  url.searchParams.set('stream_id', streamId);
  const { status, body } = await requestJson(url, { method: 'GET', token });
  if (status !== 200) throw refusal(`cannot read the status of stream ${streamId}`, status, issuer);
  const answer = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const value = answer['status'];
  if (value !== 'enabled' && value !== 'paused' && value !== 'disabled') throw new CliError(`${issuer} answered an unknown status for stream ${streamId}: ${JSON.stringify(value)}.`);
  return typeof answer['reason'] === 'string' ? `${value} (${answer['reason']})` : value;
}
