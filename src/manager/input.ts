import { invalidInput } from '../errors.js';
import { withoutPort } from '../ip-policy.js';
import type { ResolvedOptions } from '../options.js';
import { STORE_LIMITS } from '../store.js';
import { checkId, UNSTORABLE } from '../core/checks.js';
import type { CreateSessionInput } from '../core/shapes.js';

/** Why parsed JSON data no store can keep: nested past `dataDepth`, or a string (value or key) no store keeps as is. Breadth first: deep data cannot overflow the stack. */
function unstorable(data: object): string | undefined {
  let level: object[] = [data];
  for (let depth = 1; level.length > 0; depth++) {
    if (depth > STORE_LIMITS.dataDepth) return `data must nest objects and arrays at most ${STORE_LIMITS.dataDepth} levels deep.`;
    const entries = level.flatMap((value) => Object.entries(value));
    if (entries.some(([key, inner]) => UNSTORABLE.test(key) || (typeof inner === 'string' && UNSTORABLE.test(inner)))) return 'data must not hold U+0000 or unpaired surrogates.';
    level = entries.flatMap(([, inner]) => (typeof inner === 'object' && inner !== null ? [inner as object] : []));
  }
  return undefined;
}

/** The IP as shown in the session list: printable ASCII, at most 64 characters, without a port. */
export function cleanIp(ip: unknown): string | undefined {
  if (typeof ip !== 'string') return undefined;
  const cleaned = withoutPort(ip.replace(/[^\x20-\x7e]/g, '').trim()).slice(0, STORE_LIMITS.ipLength);
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
  const why = unstorable(data);
  if (why !== undefined) throw invalidInput(why);
  return data as CreateSessionInput['data'];
}

/** The tokens presented at sign-in, as a list (one, several, or none). */
export function presentedTokens(previousToken: unknown): readonly unknown[] {
  return previousToken === undefined ? [] : Array.isArray(previousToken) ? previousToken : [previousToken];
}
