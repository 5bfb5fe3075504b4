import { invalidInput } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { STORE_LIMITS } from '../store.js';
import type { CreateSessionInput } from './api.js';
import { checkFederated } from '../federated/input.js';

/**
 * Argument checks of the manager's methods: every id, kind and piece of app data is checked
 * here before it reaches a store, with `INVALID_INPUT` naming what is wrong.
 */

/** Longest user, tenant or session id accepted. */
const MAX_ID_LENGTH = STORE_LIMITS.idLength;
/** Largest `data` accepted, serialised as JSON. */
const MAX_DATA_BYTES = STORE_LIMITS.dataBytes;

// U+0000 and unpaired surrogates cannot be stored faithfully by every store (PostgreSQL
// refuses them, others replace them with U+FFFD and so merge two different ids).
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A user, tenant or session id every store can keep as it is. */
export function checkId(name: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH || UNSTORABLE.test(value)) {
    throw invalidInput(`${name} must be a non-empty string of at most ${MAX_ID_LENGTH} characters, without U+0000 or unpaired surrogates.`);
  }
}

/** Whether any string (value or key) inside JSON data is one no store can keep as is. */
function holdsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(holdsUnstorable);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).some(([key, inner]) => UNSTORABLE.test(key) || holdsUnstorable(inner));
  }
  return false;
}

/** The IP as shown in the session list: printable ASCII, at most 64 characters. */
export function cleanIp(ip: unknown): string | undefined {
  if (typeof ip !== 'string') return undefined;
  const cleaned = ip.replace(/[^\x20-\x7e]/g, '').trim().slice(0, STORE_LIMITS.ipLength);
  return cleaned.length > 0 ? cleaned : undefined;
}

/** Checks what `create()` was given: ids, a declared kind, JSON data within its size. */
export function checkCreateInput(input: CreateSessionInput, config: ResolvedOptions): void {
  if (typeof input !== 'object' || input === null) throw invalidInput('create() needs an object with a userId.');
  checkId('userId', input.userId);
  if (input.tenantId !== undefined) checkId('tenantId', input.tenantId);
  const kind = input.kind ?? 'browser';
  if (typeof kind !== 'string' || !config.kinds.has(kind)) throw invalidInput(`Unknown session kind "${String(kind)}": declare it in the kinds option.`);
  if (input.persistent !== undefined && typeof input.persistent !== 'boolean') throw invalidInput('persistent must be a boolean.');
  if (input.federated !== undefined) checkFederated(input.federated);
  if (input.data !== undefined) {
    let serialised: string | undefined;
    try {
      serialised = JSON.stringify(input.data);
    } catch {
      serialised = undefined;
    }
    if (typeof input.data !== 'object' || input.data === null || Array.isArray(input.data) || serialised === undefined) {
      throw invalidInput('data must be a JSON object.');
    }
    if (Buffer.byteLength(serialised) > MAX_DATA_BYTES) throw invalidInput(`data must serialise to at most ${MAX_DATA_BYTES} bytes.`);
    if (holdsUnstorable(input.data)) throw invalidInput('data must not hold U+0000 or unpaired surrogates.');
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

/** The tokens presented at sign-in, as a list (one, several, or none). */
export function presentedTokens(previousToken: unknown): readonly unknown[] {
  if (previousToken === undefined) return [];
  return Array.isArray(previousToken) ? previousToken : [previousToken];
}

const MAX_REASON_LENGTH = 64;

/**
 * Checks what a caller says about a change before it is stored with the change (the activity
 * entry is written in the same step as the revocation): `by` and `tenantId` are ids, `reason`
 * a short text. A bad value is refused before anything is revoked.
 */
export function checkActor(options: { readonly by?: unknown; readonly tenantId?: unknown; readonly reason?: unknown }): void {
  if (options.by !== undefined) checkId('by', options.by);
  if (options.tenantId !== undefined) checkId('tenantId', options.tenantId);
  const { reason } = options;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length === 0 || reason.length > MAX_REASON_LENGTH || UNSTORABLE.test(reason))) {
    throw invalidInput(`reason must be a non-empty string of at most ${MAX_REASON_LENGTH} characters.`);
  }
}
