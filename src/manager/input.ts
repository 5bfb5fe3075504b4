import { invalidInput } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import { STORE_LIMITS } from '../store.js';
import { checkId, UNSTORABLE } from '../core/checks.js';
import type { CreateSessionInput } from '../core/shapes.js';

/** Whether any string (value or key) inside JSON data is one no store can keep as is. */
function holdsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(holdsUnstorable);
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, inner]) => UNSTORABLE.test(key) || holdsUnstorable(inner));
  return false;
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** How many levels of objects and arrays `value` nests, counted to one past `limit` at most; breadth first, so deep data cannot overflow the stack. */
function depthOf(value: unknown, limit: number): number {
  let depth = 0;
  for (let level = [value].filter(isContainer); level.length > 0 && depth <= limit; depth++) level = level.flatMap((inner) => Object.values(inner)).filter(isContainer);
  return depth;
}

/** The IP as shown in the session list: printable ASCII, at most 64 characters. */
export function cleanIp(ip: unknown): string | undefined {
  if (typeof ip !== 'string') return undefined;
  const cleaned = ip.replace(/[^\x20-\x7e]/g, '').trim().slice(0, STORE_LIMITS.ipLength);
  return cleaned.length > 0 ? cleaned : undefined;
}

/** Checks what `create()` was given: ids, a declared kind, JSON data within its size and depth. Answers the data as the JSON checked, which every store keeps. */
export function checkCreateInput(input: CreateSessionInput, config: ResolvedOptions): CreateSessionInput['data'] {
  checkId('userId', input.userId);
  if (input.tenantId !== undefined) checkId('tenantId', input.tenantId);
  const kind = input.kind ?? 'browser';
  if (typeof kind !== 'string' || !config.kinds.has(kind)) throw invalidInput(`Unknown session kind "${String(kind)}": declare it in the kinds option.`);
  if (input.persistent !== undefined && typeof input.persistent !== 'boolean') throw invalidInput('persistent must be a boolean.');
  if (input.data === undefined) return undefined;
  let serialised: string | undefined;
  try {
    serialised = JSON.stringify(input.data);
  } catch {
    serialised = undefined;
  }
  const data = serialised === undefined ? undefined : (JSON.parse(serialised) as unknown);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalidInput('data must be a JSON object.');
  if (Buffer.byteLength(serialised!) > STORE_LIMITS.dataBytes) throw invalidInput(`data must serialise to at most ${STORE_LIMITS.dataBytes} bytes.`);
  if (depthOf(data, STORE_LIMITS.dataDepth) > STORE_LIMITS.dataDepth) throw invalidInput(`data must nest objects and arrays at most ${STORE_LIMITS.dataDepth} levels deep.`);
  if (holdsUnstorable(data)) throw invalidInput('data must not hold U+0000 or unpaired surrogates.');
  return data as CreateSessionInput['data'];
}

/** The tokens presented at sign-in, as a list (one, several, or none). */
export function presentedTokens(previousToken: unknown): readonly unknown[] {
  return previousToken === undefined ? [] : Array.isArray(previousToken) ? previousToken : [previousToken];
}
