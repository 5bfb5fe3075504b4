import { CliError } from '../failure.js';

/** How long the CLI waits for a transmitter's answer, in ms. */
const TIMEOUT = 15_000;

/** A transmitter's status and JSON body (`undefined` when empty or not JSON). */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** One request to a transmitter; redirects are not followed, so the token goes nowhere else. */
export async function requestJson(url: URL, init: { readonly method: 'GET' | 'POST'; readonly token?: string; readonly body?: unknown }): Promise<JsonAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token !== undefined) headers['authorization'] = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT),
    });
  } catch (error) {
    throw new CliError(`cannot reach ${url.origin}${url.pathname}`, undefined, { cause: error });
  }
  const text = await response.text();
  return { status: response.status, body: parse(text) };
}

function parse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
