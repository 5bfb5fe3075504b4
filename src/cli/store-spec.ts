import { usageError } from './failure.js';
import { printableLocation } from './redact.js';

/** What `--store` names: where the sessions are. */
export type StoreSpec =
  | { readonly type: 'memory' }
  | { readonly type: 'sqlite'; readonly filename: string }
  | { readonly type: 'redis'; readonly url: string }
  | { readonly type: 'postgres'; readonly url: string }
  | { readonly type: 'mysql'; readonly url: string };

const SHAPES = 'memory, sqlite:<file>, redis://…, rediss://…, postgres://…, postgresql://… or mysql://…';

/** Reads `--store`; anything else than the forms in {@link SHAPES} is bad usage. */
export function parseStoreSpec(value: string | undefined): StoreSpec {
  if (value === undefined || value === '') {
    throw usageError(`--store is required: ${SHAPES} (or set SESSION_REVOCATION_STORE)`);
  }
  if (value === 'memory') return { type: 'memory' };
  if (value.startsWith('sqlite:')) {
    const filename = value.slice('sqlite:'.length);
    if (filename === '') throw usageError('--store sqlite:<file> needs a file name');
    return { type: 'sqlite', filename };
  }
  const scheme = /^([a-z]+):\/\//.exec(value)?.[1];
  if (scheme === 'redis' || scheme === 'rediss' || scheme === 'postgres' || scheme === 'postgresql' || scheme === 'mysql') {
    // What does not parse cannot be told apart: where a password ends in it is unknown.
    if (!URL.canParse(value)) throw usageError(`--store ${scheme}://… is not a valid URL (the rest is not printed: it may hold a password)`);
    return scheme === 'mysql' ? { type: 'mysql', url: value } : { type: scheme.startsWith('redis') ? 'redis' : 'postgres', url: value };
  }
  const printable = printableLocation(value);
  if (printable !== undefined) throw usageError(`--store must be ${SHAPES}, not "${printable}"`);
  const hint = !value.includes('://') && value.includes('=') ? '; write a keyword string (host=… dbname=…) as postgres://user:password@host:port/dbname' : '';
  throw usageError(`--store must be ${SHAPES} (the value given is not printed: it may hold a password)${hint}`);
}
