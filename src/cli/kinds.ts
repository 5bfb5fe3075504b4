import { BUILT_IN_KINDS, KIND_NAME, KIND_NAME_RULE, type KindOptions } from '../options.js';
import { usageError } from './failure.js';

/** What `--kinds` asks for: every kind, and the kinds it names (the app's own among them). */
export interface KindsRequest {
  /** `all` was given, alone or as one item of the list. */
  readonly all: boolean;
  /** The kinds named besides `all`, without repeats. */
  readonly named: readonly string[];
}

/**
 * Reads `--kinds`: a comma-separated list of kinds (no empty item), spaces around each
 * ignored, in which `all` means every kind, wherever it stands: a list holding `all` never
 * signs out fewer kinds than `all` alone. A kind literally named `all` cannot be singled out.
 */
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
