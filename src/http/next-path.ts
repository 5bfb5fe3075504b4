/** Longest `next` path accepted. */
const MAX_NEXT_LENGTH = 2048;
// Printable ASCII only (no space, no control character, nothing a browser strips or
// rewrites), one leading "/" not followed by "/" or "\".
const SAFE_SHAPE = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;
// What a decoded form must never contain: a second leading slash or backslash, a backslash,
// a control character.
const DECODED_DANGER = /^\/[/\\]|[\\\x00-\x1f\x7f]/;
const BASE = 'http://next-path.invalid';
/** Decodings tried; a value still changing after them is refused. */
const MAX_DECODINGS = 4;

/**
 * Whether `value` is a path on this origin that stays one however it is decoded or parsed.
 * Used for `next` and to check configured paths at startup.
 */
export function isSafePath(value: string): boolean {
  // SAFE_SHAPE needs a leading "/", so the empty string fails it too.
  if (value.length > MAX_NEXT_LENGTH || !SAFE_SHAPE.test(value)) return false;
  // A later hop (a framework, a proxy, the login page) may decode once or twice more:
  // "/%2F%2Fevil" and "/%5Cevil" must not turn into "//evil" or "/\evil" there.
  let current = value;
  for (let round = 0; round < MAX_DECODINGS; round++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current);
    } catch {
      return false;
    }
    if (decoded === current) return staysOnOrigin(value);
    if (DECODED_DANGER.test(decoded) || !staysOnOrigin(decoded)) return false;
    current = decoded;
  }
  // Still changing after four decodings: a later hop could decode it into anything.
  return false;
}

/**
 * Whether `form`, its dot segments resolved, is a path on this origin that does not start
 * with "//": "/.//evil", "/a/..//evil" and "/%2e%2e//evil" resolve to "//evil", which a
 * framework, a proxy or the browser that normalises the path turns into another host.
 */
function staysOnOrigin(form: string): boolean {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: a relative path on a valid base always parses; kept so a throw can never escape
  if (!URL.canParse(form, BASE)) return false;
  const url = new URL(form, BASE);
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: every form starts with one "/", so the origin is BASE; kept should the shape rules ever loosen
  if (url.origin !== BASE) return false;
  return !url.pathname.startsWith('//');
}

/**
 * Returns `value` when it is a path on this origin, otherwise `fallback`: what a login
 * handler calls before redirecting back to `?next=`. Only printable-ASCII paths starting with
 * a single `/` pass; refused are protocol-relative URLs (`//evil.example`), backslashes
 * (`/\evil`), schemes (`https:`, `javascript:`), control characters and whitespace (`/\t/evil`,
 * which browsers would strip into `//evil`), and encoded forms that decode into any of those
 * (`/%2F%2Fevil`, `/%5Cevil`, `/%09/evil`), and paths whose dot segments resolve to a second
 * leading slash (`/.//evil.example`, `/a/..//evil.example`, `/%2e%2e//evil.example`).
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
// Stryker disable next-line StringLiteral: an empty default fails isSafePath and gives "/" as well
export function safeNextPath(value: unknown, fallback = '/'): string {
  if (typeof value === 'string' && isSafePath(value)) return value;
  return typeof fallback === 'string' && isSafePath(fallback) ? fallback : '/';
}
