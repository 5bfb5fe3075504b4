import { SessionError } from '../../errors.js';
import { boundedText, PROVIDER_BODY_LIMIT } from '../../federated/provider-fetch.js';
import { checkProviderUrl } from '../../federated/provider-url.js';
import { parseJson } from '../../parse-json.js';
import { CliError, usageError } from '../failure.js';

/** How long the CLI waits for a transmitter's answer, in ms. */
const TIMEOUT = 15_000;

/** The delivery method URIs of SSF 1.0 ("Event Delivery"). */
export const DELIVERY = { push: 'urn:ietf:rfc:8935', poll: 'urn:ietf:rfc:8936' } as const;

/** The endpoints of a transmitter's configuration metadata the CLI uses (SSF 1.0). */
const ENDPOINTS = ['configuration_endpoint', 'status_endpoint', 'verification_endpoint'] as const;

/** The issuer of a transmitter's configuration metadata, and those of its {@link ENDPOINTS} it publishes. */
export type TransmitterMetadata = { readonly issuer: string } & { readonly [field in (typeof ENDPOINTS)[number]]?: URL };

/** A stream configuration as the transmitter answered it (SSF 1.0 "Stream Configuration"), the parts the CLI reads. */
export interface StreamConfiguration {
  readonly stream_id: string;
  readonly iss: string;
  readonly aud?: string | readonly string[];
  readonly delivery?: { readonly method?: string; readonly endpoint_url?: string };
  readonly events_requested?: readonly string[];
  readonly events_delivered?: readonly string[];
  readonly description?: string;
}

/** Which streams to read: the one `streamId` names, else every stream of this receiver. */
export interface StreamQuery {
  readonly token: string;
  readonly issuer: string;
  readonly streamId: string | undefined;
}

/** One request to a transmitter: its status and JSON body (`undefined` when empty or not JSON), read up to a provider document's size; no redirect, so the token goes nowhere else. */
export async function requestJson(url: URL, init: { readonly method: 'GET' | 'POST'; readonly token?: string; readonly body?: unknown }): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string | undefined;
  try {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    response = await fetch(url, { method: init.method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT) });
    text = await boundedText(response, PROVIDER_BODY_LIMIT);
  } catch (error) {
    throw new CliError(`cannot reach ${url.origin}${url.pathname}`, undefined, { cause: error });
  }
  if (text === undefined) throw new CliError(`${url.origin}${url.pathname} answered more than ${PROVIDER_BODY_LIMIT} bytes.`);
  return { status: response.status, body: parseJson(text) };
}

/** What a transmitter's error status means (SSF 1.0 stream management). */
export function refusal(what: string, status: number, issuer: string): CliError {
  const meaning: Record<number, string> = {
    400: 'it could not read the request',
    401: 'the token is missing, expired or refused (pass --token or SESSION_REVOCATION_SSF_TOKEN)',
    403: 'this receiver is not allowed to do that',
    404: 'there is no such stream for this receiver (session-revocation ssf status lists them)',
    409: 'a stream already exists for this receiver and the transmitter allows one only (session-revocation ssf status shows it)',
    429: 'too many verification requests: wait for the stream\'s min_verification_interval',
  };
  return new CliError(`${what}: ${issuer} answered ${status}${meaning[status] === undefined ? '' : `: ${meaning[status]}`}.`);
}

/** The transmitter's issuer: as typed (the metadata must name it exactly so), and parsed. */
export interface Issuer {
  readonly given: string;
  readonly url: URL;
}

/** `--transmitter`, checked: https, or plain http on this machine only (else bad usage). */
export function checkIssuer(value: string | boolean | undefined): Issuer {
  if (typeof value !== 'string' || value === '') throw usageError('--transmitter <issuer URL> is required');
  return { given: value, url: asUsage(() => checkProviderUrl(value, '--transmitter')) };
}

/** Reads the transmitter's public metadata, refusing another `issuer` and endpoints that are not https. */
export async function readMetadata({ given, url: issuer }: Issuer): Promise<TransmitterMetadata> {
  // SSF 1.0: "/.well-known/ssf-configuration" inserted before the issuer's path.
  const url = new URL(`/.well-known/ssf-configuration${issuer.pathname.replace(/\/+$/, '')}`, issuer.origin);
  const { status, body } = await requestJson(url, { method: 'GET' });
  if (status !== 200) throw new CliError(`${url.href} answered ${status}: is ${given} a Shared Signals transmitter?`);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new CliError(`${url.href} did not answer a JSON object.`);
  const metadata = body as Record<string, unknown>;
  if (metadata['issuer'] !== given) throw new CliError(`${url.href} names issuer ${JSON.stringify(metadata['issuer'])}, not ${given}: pass --transmitter exactly as the transmitter names itself.`);
  const endpoint = (field: string): [string, URL] => {
    try {
      return [field, checkProviderUrl(metadata[field], `the transmitter's ${field}`, url)];
    } catch (error) {
      throw error instanceof SessionError ? new CliError(error.message) : error;
    }
  };
  return { issuer: given, ...Object.fromEntries(ENDPOINTS.filter((field) => metadata[field] !== undefined).map(endpoint)) };
}

/** The endpoint a command needs; a {@link CliError} when the transmitter offers none. */
export function required(metadata: TransmitterMetadata, field: 'configuration_endpoint' | 'verification_endpoint'): URL {
  const url = metadata[field];
  if (url === undefined) throw new CliError(`${metadata.issuer} publishes no ${field}: its streams are managed some other way (its own console or API).`);
  return url;
}

/** Runs a check whose `SessionError` is bad usage (exit 2): a flag's value the user typed. */
export function asUsage<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof SessionError) throw usageError(error.message.replace(/\.$/, ''));
    throw error;
  }
}

/** The receiver's streams on a transmitter: the one named, or every one (a list, or a lone stream). */
export async function readStreams(endpoint: URL, query: StreamQuery): Promise<StreamConfiguration[]> {
  const url = new URL(endpoint);
  if (query.streamId !== undefined) url.searchParams.set('stream_id', query.streamId);
  const { status, body } = await requestJson(url, { method: 'GET', token: query.token });
  if (status !== 200) throw refusal('cannot read the stream configuration', status, query.issuer);
  const streams = Array.isArray(body) ? body : body === undefined ? undefined : [body];
  if (streams === undefined) throw new CliError(`${query.issuer} did not answer JSON for the stream configuration.`);
  return streams.map((stream) => checkStream(stream, query.issuer));
}

/** The stream `--stream` names, else the receiver's only stream. */
export async function theStream(endpoint: URL, query: StreamQuery): Promise<StreamConfiguration> {
  const streams = await readStreams(endpoint, query);
  if (query.streamId !== undefined) {
    const named = streams.find((stream) => stream.stream_id === query.streamId);
    if (named === undefined) throw new CliError(`${query.issuer} has no stream ${query.streamId} for this receiver.`);
    return named;
  }
  if (streams.length === 1) return streams[0]!;
  if (streams.length === 0) throw new CliError(`${query.issuer} has no stream for this receiver: create one with session-revocation ssf create-stream.`);
  throw new CliError(`${query.issuer} has ${streams.length} streams for this receiver: name one with --stream <id> (${streams.map((stream) => stream.stream_id).join(', ')}).`);
}

/** Checks a stream configuration: a `stream_id`, and the transmitter's own `iss` (SSF 1.0 says MUST). */
export function checkStream(value: unknown, issuer: string): StreamConfiguration {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${issuer} answered something that is not a stream configuration.`);
  const stream = value as Record<string, unknown>;
  if (typeof stream['stream_id'] !== 'string' || stream['stream_id'] === '') throw new CliError(`${issuer} answered a stream configuration without a stream_id.`);
  if (stream['iss'] !== issuer) throw new CliError(`stream ${stream['stream_id']} names issuer ${JSON.stringify(stream['iss'])}, not ${issuer}: its events would be refused.`);
  return value as StreamConfiguration;
}

/** The lines a person needs about a stream; never an authorization header value. */
export function describeStream(stream: StreamConfiguration): string[] {
  const method = stream.delivery?.method;
  const how = method === DELIVERY.push ? 'push to' : method === DELIVERY.poll ? 'poll from' : `${method ?? 'unknown method'},`;
  const audience = stream.aud === undefined ? [] : typeof stream.aud === 'string' ? [stream.aud] : [...stream.aud];
  const delivered = stream.events_delivered ?? [];
  const missing = (stream.events_requested ?? []).filter((event) => !delivered.includes(event));
  return [
    `  stream id:         ${stream.stream_id}`,
    `  issuer:            ${stream.iss}`,
    `  audience:          ${audience.length === 0 ? '-' : audience.join(', ')}`,
    `  delivery:          ${how} ${stream.delivery?.endpoint_url ?? '-'}`,
    `  events delivered:  ${delivered.length === 0 ? '-' : delivered.join('\n                     ')}`,
    ...(missing.length === 0 ? [] : [`  requested, not delivered: ${missing.join(', ')}`]),
    ...(typeof stream.description === 'string' ? [`  description:       ${stream.description}`] : []),
  ];
}
