import { CliError } from '../failure.js';
import { refusal, requestJson } from './request.js';
import { checkStream, type StreamConfiguration } from './stream.js';

/** The receiver's streams on a transmitter: the one named, or every one (a list, or a lone stream). */
export async function readStreams(endpoint: URL, options: { readonly token: string; readonly issuer: string; readonly streamId: string | undefined }): Promise<StreamConfiguration[]> {
  const url = new URL(endpoint);
  if (options.streamId !== undefined) url.searchParams.set('stream_id', options.streamId);
  const { status, body } = await requestJson(url, { method: 'GET', token: options.token });
  if (status !== 200) throw refusal('cannot read the stream configuration', status, options.issuer);
  const streams = Array.isArray(body) ? body : body === undefined ? undefined : [body];
  if (streams === undefined) throw new CliError(`${options.issuer} did not answer JSON for the stream configuration.`);
  return streams.map((stream) => checkStream(stream, options.issuer));
}

/** The stream `--stream` names, else the receiver's only stream. */
export async function theStream(endpoint: URL, options: { readonly token: string; readonly issuer: string; readonly streamId: string | undefined }): Promise<StreamConfiguration> {
  const streams = await readStreams(endpoint, options);
  if (options.streamId !== undefined) {
    const named = streams.find((stream) => stream.stream_id === options.streamId);
    if (named === undefined) throw new CliError(`${options.issuer} has no stream ${options.streamId} for this receiver.`);
    return named;
  }
  if (streams.length === 1) return streams[0]!;
  if (streams.length === 0) throw new CliError(`${options.issuer} has no stream for this receiver: create one with session-revocation ssf create-stream.`);
  throw new CliError(`${options.issuer} has ${streams.length} streams for this receiver: name one with --stream <id> (${streams.map((stream) => stream.stream_id).join(', ')}).`);
}
