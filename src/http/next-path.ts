/** Longest `next` path accepted. */
const MAX_NEXT_LENGTH = 2048;
// Printable ASCII only (nothing a browser strips or rewrites), one leading "/" not followed by "/" or "\".
const SAFE_SHAPE = /^\/(?![/\\])[\x21-\x5b\x5d-\x7e]*$/;
// Never in a decoded form: a second leading slash, a backslash, a control character.
const DECODED_DANGER = /^\/[/\\]|[\\\x00-\x1f\x7f]/;
const BASE = 'http://next-path.invalid';
/** Decodings tried; a value still changing after them is refused: a later hop could decode it into anything. */
const MAX_DECODINGS = 4;

/** Whether `value` is a path on this origin that stays one however it is decoded or parsed. */
export function isSafePath(value: string): boolean {
  if (value.length > MAX_NEXT_LENGTH || !SAFE_SHAPE.test(value)) return false;
  // A later hop (a framework, a proxy, the login page) may decode once or twice more: "/%2F%2Fevil" and "/%5Cevil" must not turn into "//evil" or "/\evil" there.
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
  return false;
}

/** Whether `form`, dot segments resolved, does not start with "//": "/a/..//evil" would become another host. */
function staysOnOrigin(form: string): boolean {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: a relative path on a valid base always parses; kept so a throw can never escape
  if (!URL.canParse(form, BASE)) return false;
  const url = new URL(form, BASE);
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: every form starts with one "/", so the origin is BASE; kept should the shape rules ever loosen
  if (url.origin !== BASE) return false;
  return !url.pathname.startsWith('//');
}

/**
 * Returns `value` when it is a path on this origin, otherwise `fallback`: what a login handler
 * calls before redirecting back to `?next=`. Refused: `//host`, backslashes, schemes, control
 * characters and whitespace, encoded forms of those, and dot segments that resolve to `//`.
 *
 * @param value - The untrusted value, usually `req.query.next`; a non-string gives `fallback`.
 * @param fallback - Where to go instead; `"/"` when it is not a safe path itself. @default "/"
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
