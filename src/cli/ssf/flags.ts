import { text, type FlagValues, type OptionTable } from '../command.js';
import { usageError } from '../failure.js';

/** Flags every `ssf` command takes: which transmitter, and the token its management API wants. */
export const TRANSMITTER_OPTIONS = {
  transmitter: { type: 'string' },
  token: { type: 'string' },
} satisfies OptionTable;

/** Help lines of {@link TRANSMITTER_OPTIONS}. */
export const TRANSMITTER_HELP: ReadonlyArray<readonly [string, string]> = [
  ['--transmitter <issuer URL>', "The transmitter's issuer; its metadata is read from /.well-known/ssf-configuration"],
  ['--token <bearer>', 'Access token for its stream management API (better: SESSION_REVOCATION_SSF_TOKEN, kept out of ps and shell history)'],
];

/** The bearer token: `--token`, else SESSION_REVOCATION_SSF_TOKEN, without a leading "Bearer ". */
export function tokenFrom(values: FlagValues, env: NodeJS.ProcessEnv): string {
  const given = text(values, 'token') ?? env['SESSION_REVOCATION_SSF_TOKEN'];
  const token = given?.trim().replace(/^Bearer\s+/i, '');
  if (token === undefined || token === '') throw usageError('a token is required: --token <bearer> or SESSION_REVOCATION_SSF_TOKEN');
  return token;
}
