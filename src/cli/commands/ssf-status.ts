import { text, type RemoteCommand } from '../command.js';
import { CliError } from '../failure.js';
import { tokenFrom, TRANSMITTER_HELP, TRANSMITTER_OPTIONS } from '../ssf/flags.js';
import { checkIssuer, readMetadata, required } from '../ssf/metadata.js';
import { readStreams } from '../ssf/read-streams.js';
import { refusal, requestJson } from '../ssf/request.js';
import { describeStream } from '../ssf/stream.js';

/** `ssf status`: the receiver's streams on a transmitter, each with its status (SSF 1.0 "Reading a Stream's Status"). */
export const ssfStatus: RemoteCommand = {
  name: 'ssf status',
  remote: true,
  summary: "Show a transmitter's streams to this receiver and whether each is enabled",
  args: [],
  options: { ...TRANSMITTER_OPTIONS, stream: { type: 'string' } },
  optionHelp: [...TRANSMITTER_HELP, ['--stream <id>', 'Only that stream (default: every stream of this receiver)']],
  details: 'A stream that is paused or disabled delivers nothing: ask the transmitter to enable it.',
  async run({ values, env, output }) {
    const issuer = checkIssuer(values['transmitter']);
    const token = tokenFrom(values, env);
    const metadata = await readMetadata(issuer);
    const streams = await readStreams(required(metadata, 'configurationEndpoint'), { token, issuer: metadata.issuer, streamId: text(values, 'stream') });
    if (streams.length === 0) {
      output.line(`${metadata.issuer} has no stream for this receiver: create one with session-revocation ssf create-stream.`);
      return;
    }
    for (const [index, stream] of streams.entries()) {
      if (index > 0) output.line('');
      const status = metadata.statusEndpoint === undefined ? undefined : await readStatus(metadata.statusEndpoint, token, metadata.issuer, stream.stream_id);
      output.line(`Stream ${stream.stream_id} on ${metadata.issuer}: ${status ?? 'status not published'}`);
      for (const line of describeStream(stream)) output.line(line);
    }
  },
};

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
