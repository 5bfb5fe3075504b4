import { invalidInput } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { STORE_LIMITS } from '../store.js';

const MAX_ID_LENGTH = STORE_LIMITS.idLength;

/** Text no store keeps as is: PostgreSQL refuses U+0000 and lone surrogates, others merge ids by replacing them with U+FFFD. */
export const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Not printable text: a control character (C0, DEL, C1) or a lone surrogate. Ids and reasons are printable: they go into keys, JSON values of a bounded size, logs, pages. */
const NOT_PRINTABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether `value` is non-empty printable text of at most `max` characters: ids, reasons, an identity provider's values. */
export function isPrintableText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !NOT_PRINTABLE.test(value);
}

/** A user, tenant or session id every store can keep as it is. */
export function checkId(name: string, value: unknown): asserts value is string {
  if (!isPrintableText(value, MAX_ID_LENGTH)) {
    throw invalidInput(`${name} must be a non-empty string of at most ${MAX_ID_LENGTH} characters, without control characters or unpaired surrogates.`);
  }
}

/** The kinds a bulk revocation names: the default set, every declared kind, or a checked list. */
export function kindsOf(kinds: unknown, config: ResolvedOptions): readonly string[] {
  if (kinds === undefined) return config.everywhereKinds;
  if (kinds === 'all') return [...config.kinds.keys()];
  if (!Array.isArray(kinds) || kinds.length === 0) throw invalidInput('kinds must be "all" or a non-empty list of kinds.');
  for (const kind of kinds) if (typeof kind !== 'string' || !config.kinds.has(kind)) throw invalidInput(`Unknown session kind "${String(kind)}".`);
  return kinds as readonly string[];
}

const MAX_REASON_LENGTH = 64;

/** Checks `by`, `tenantId` and `reason` before anything is revoked: they are stored with the change. */
export function checkActor(options: { readonly by?: unknown; readonly tenantId?: unknown; readonly reason?: unknown }): void {
  if (options.by !== undefined) checkId('by', options.by);
  if (options.tenantId !== undefined) checkId('tenantId', options.tenantId);
  const { reason } = options;
  if (reason !== undefined && !isPrintableText(reason, MAX_REASON_LENGTH)) {
    throw invalidInput(`reason must be a non-empty string of at most ${MAX_REASON_LENGTH} characters, without control characters or unpaired surrogates.`);
  }
}
