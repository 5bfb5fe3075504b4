import { BUILT_IN_KINDS, KIND_NAME, KIND_NAME_RULE, type KindOptions } from '../options.js';
import { usageError } from './failure.js';
import { isoTime } from './format.js';

/** What `--kinds` asks for: `all` (anywhere in the list), and the kinds named besides it. */
export interface KindsRequest {
  readonly all: boolean;
  readonly named: readonly string[];
}

/** Reads `--kinds`: a comma-separated list in which `all` means every kind wherever it stands. */
export function parseKinds(value: string | boolean | undefined): KindsRequest | undefined {
  if (value === undefined) return undefined;
  const kinds = String(value)
    .split(',')
    .map((kind) => kind.trim());
  if (kinds.some((kind) => kind === '')) throw usageError('--kinds takes "all" or a comma-separated list of kinds');
  // Checked here, not only by the manager the command makes: a mistyped kind is bad usage.
  const misnamed = kinds.find((kind) => !KIND_NAME.test(kind));
  if (misnamed !== undefined) throw usageError(`--kinds: kind "${misnamed}" ${KIND_NAME_RULE}`);
  return { all: kinds.includes('all'), named: [...new Set(kinds.filter((kind) => kind !== 'all'))] };
}

/** The manager's `kinds` option declaring the app's own kinds among `kinds` (built-in ones need none). */
export function declaredKinds(kinds: readonly string[]): Record<string, KindOptions> {
  return Object.fromEntries(kinds.filter((kind) => !(BUILT_IN_KINDS as readonly string[]).includes(kind)).map((kind): [string, KindOptions] => [kind, {}]));
}

/** `(browser, remember): sessions created until <time> are refused.`, from the raised epochs. */
export function signedOutUntil(epochs: Readonly<Record<string, number>>, what: string): string {
  return `(${Object.keys(epochs).sort().join(', ')}): ${what} created until ${isoTime(Math.max(...Object.values(epochs)))} are refused.`;
}
