/** Longest `next` path accepted. */
const MAX_NEXT_LENGTH = 2048;
// Printable ASCII only (no space, no control character, nothing a browser strips or
// rewrites), one leading "/" not followed by "/" or "\".
const SAFE_SHAPE = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;
// What a decoded form must never contain: a second leading slash or backslash, a backslash,
// a control character.
const DECODED_DANGER = /^\/[/\\]|[\\\x00-\x1f\x7f]/;
const BASE = 'http://next-path.invalid';

/**
 * Whether `value` is a path on this origin that stays one however it is decoded or parsed.
 * Used for `next` and to check configured paths at startup.
 */
export function isSafePath(value: string): boolean {
  if (value.length === 0 || value.length > MAX_NEXT_LENGTH || !SAFE_SHAPE.test(value)) return false;
  // A later hop (a framework, a proxy, the login page) may decode once or twice more:
  // "/%2F%2Fevil" and "/%5Cevil" must not turn into "//evil" or "/\evil" there.
  let current = value;
  for (let round = 0; round < 4; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return false;
    }
    if (decoded === current) break;
    if (DECODED_DANGER.test(decoded)) return false;
    if (round === 3) return false;
    current = decoded;
  }
  try {
    return new URL(value, BASE).origin === BASE;
  } catch {
    return false;
  }
}

/**
 * Returns `value` when it is a path on this origin, otherwise `fallback`: what a login
 * handler calls before redirecting back to `?next=`. Only printable-ASCII paths starting with
 * a single `/` pass; refused are protocol-relative URLs (`//evil.example`), backslashes
 * (`/\evil`), schemes (`https:`, `javascript:`), control characters and whitespace (`/\t/evil`,
 * which browsers would strip into `//evil`), and encoded forms that decode into any of those
 * (`/%2F%2Fevil`, `/%5Cevil`, `/%09/evil`).
 *
 * @param value - The untrusted value, usually `req.query.next`; anything that is not a string
 * (an array from `?next=a&next=b`, undefined) gives `fallback`.
 * @param fallback - Where to go instead. It must be a safe path itself, otherwise `"/"` is
 * used. @default "/"
 * @returns A same-origin path, safe to put in a `Location` header.
 *
 * @example
 * ```ts
 * import { safeNextPath } from 'session-revocation/http';
 *
 * app.post('/login', async (req, res) => {
 *   await req.sessions.signIn({ userId: user.id });
 *   res.redirect(303, safeNextPath(req.query.next, '/dashboard'));
 * });
 * ```
 */
export function safeNextPath(value: unknown, fallback = '/'): string {
  if (typeof value === 'string' && isSafePath(value)) return value;
  return typeof fallback === 'string' && isSafePath(fallback) ? fallback : '/';
}
