import { randomBytes } from 'node:crypto';
import { text, type RemoteCommand } from '../command.js';
import { tokenFrom, TRANSMITTER_HELP, TRANSMITTER_OPTIONS } from '../ssf/flags.js';
import { checkIssuer, readMetadata, required } from '../ssf/metadata.js';
import { theStream } from '../ssf/read-streams.js';
import { refusal, requestJson } from '../ssf/request.js';

/** `ssf verify`: asks the transmitter to send a verification event on the stream (SSF 1.0 "Triggering a Verification Event"). */
export const ssfVerify: RemoteCommand = {
  name: 'ssf verify',
  remote: true,
  summary: 'Ask a transmitter to send a verification event on the stream',
  args: [],
  options: { ...TRANSMITTER_OPTIONS, stream: { type: 'string' }, state: { type: 'string' } },
  optionHelp: [
    ...TRANSMITTER_HELP,
    ['--stream <id>', "The stream (default: the receiver's only stream)"],
    ['--state <text>', 'The state the event echoes back (default: a random one, printed)'],
  ],
  details:
    'The transmitter sends the event when it chooses: a push arrives at the security-events route (answered 202,\n' +
    'nothing ends); a poll stream returns it on the next round.',
  async run({ values, env, output }) {
    const issuer = checkIssuer(values['transmitter']);
    const token = tokenFrom(values, env);
    const metadata = await readMetadata(issuer);
    const verification = required(metadata, 'verificationEndpoint');
    const stream = await theStream(required(metadata, 'configurationEndpoint'), { token, issuer: metadata.issuer, streamId: text(values, 'stream') });
    const state = text(values, 'state') ?? randomBytes(12).toString('base64url');
    const { status } = await requestJson(verification, { method: 'POST', token, body: { stream_id: stream.stream_id, state } });
    if (status !== 204 && status !== 200 && status !== 202) throw refusal(`no verification event requested on stream ${stream.stream_id}`, status, metadata.issuer);
    output.line(`Verification event requested on stream ${stream.stream_id} of ${metadata.issuer} (state ${state}).`);
  },
};
