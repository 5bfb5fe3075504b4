import { checkProviderUrl } from '../../federated/provider-url.js';
import { text, type FlagValues, type RemoteCommand } from '../command.js';
import { usageError } from '../failure.js';
import { ACTED_ON_EVENTS } from '../ssf/events.js';
import { tokenFrom, TRANSMITTER_HELP, TRANSMITTER_OPTIONS } from '../ssf/flags.js';
import { asUsage, checkIssuer, readMetadata, required } from '../ssf/metadata.js';
import { refusal, requestJson } from '../ssf/request.js';
import { checkStream, DELIVERY, describeStream } from '../ssf/stream.js';

/** `ssf create-stream`: asks a transmitter for a stream to this receiver (SSF 1.0 "Creating a Stream"). */
export const ssfCreateStream: RemoteCommand = {
  name: 'ssf create-stream',
  remote: true,
  summary: 'Create the Shared Signals stream a transmitter sends security events on (Okta)',
  args: [],
  options: {
    ...TRANSMITTER_OPTIONS,
    delivery: { type: 'string' },
    endpoint: { type: 'string' },
    events: { type: 'string' },
    description: { type: 'string' },
    'push-authorization': { type: 'string' },
  },
  optionHelp: [
    ...TRANSMITTER_HELP,
    ['--delivery push|poll', 'push: the transmitter POSTs each event to --endpoint; poll: the app fetches them (pollSecurityEvents)'],
    ['--endpoint <receiver URL>', "push: the app's security-events route, e.g. https://app.example/sessions/security-events"],
    ['--push-authorization <value>', "push: the Authorization header the transmitter must send (the transmitter's `authorization` option), or SESSION_REVOCATION_SSF_PUSH_AUTHORIZATION"],
    ['--events <uri,uri…>', 'Event types to request (default: every type the receiver acts on)'],
    ['--description <text>', 'A description of the stream, for people'],
  ],
  details:
    'Prints the stream id, the delivery, the audience to configure and the events the transmitter delivers.\n' +
    'The token is never printed. Plain http is accepted on this machine only (127.0.0.0/8, ::1, localhost).',
  async run({ values, env, output }) {
    const issuer = checkIssuer(values['transmitter']);
    const token = tokenFrom(values, env);
    const description = text(values, 'description');
    const body = { delivery: delivery(values, env), events_requested: events(text(values, 'events')), ...(description === undefined ? {} : { description }) };
    const metadata = await readMetadata(issuer);
    const endpoint = required(metadata, 'configurationEndpoint');
    const { status, body: answer } = await requestJson(endpoint, { method: 'POST', token, body });
    if (status !== 201 && status !== 200) throw refusal('no stream created', status, metadata.issuer);
    const stream = checkStream(answer, metadata.issuer);
    output.line(`Created stream ${stream.stream_id} on ${metadata.issuer}:`);
    for (const line of describeStream(stream)) output.line(line);
  },
};

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
  if (list === undefined) return ACTED_ON_EVENTS;
  const uris = list.split(',').map((uri) => uri.trim());
  if (uris.some((uri) => uri === '' || !URL.canParse(uri))) throw usageError('--events takes a comma-separated list of event type URIs');
  return uris;
}
