import { CliError } from '../failure.js';

/** The delivery method URIs of SSF 1.0 ("Event Delivery"). */
export const DELIVERY = { push: 'urn:ietf:rfc:8935', poll: 'urn:ietf:rfc:8936' } as const;

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

/** Checks a stream configuration: a `stream_id`, and the transmitter's own `iss` (SSF 1.0 says MUST). */
export function checkStream(value: unknown, issuer: string): StreamConfiguration {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${issuer} answered something that is not a stream configuration.`);
  const stream = value as Record<string, unknown>;
  if (typeof stream['stream_id'] !== 'string' || stream['stream_id'] === '') throw new CliError(`${issuer} answered a stream configuration without a stream_id.`);
  if (stream['iss'] !== issuer) {
    throw new CliError(`stream ${stream['stream_id']} names issuer ${JSON.stringify(stream['iss'])}, not ${issuer}: its events would be refused.`);
  }
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
