/** What stands for a hidden secret in every message. */
const HIDDEN = '***';

// Query parameters drivers read a password or a key from (`password`, `pass`, `sslpassword`…).
const SECRET_PARAMETER = /pass|pwd|secret|token/i;

/**
 * A store location (`--store`, `SESSION_REVOCATION_STORE`) as the CLI may print it: the
 * userinfo password and secret query values become `***`. A location that does not parse as
 * a URL, or whose parse leaves an `@` outside the userinfo (a password holding `/`, `?` or
 * `#` moves the rest into the port or the path), loses its whole userinfo instead: everything
 * between `://` and the last `@`.
 */
export function redactLocation(value: string): string {
  const parsed = unambiguousUrl(value);
  if (parsed !== undefined) {
    if (parsed.password !== '') parsed.password = HIDDEN;
    for (const key of new Set(parsed.searchParams.keys())) if (SECRET_PARAMETER.test(key)) parsed.searchParams.set(key, HIDDEN);
    return parsed.toString();
  }
  const { head, userinfo, rest } = split(value);
  return `${head}${userinfo === undefined ? '' : `${HIDDEN}@`}${redactParameters(rest)}`;
}

/**
 * A location the CLI refused, as it may echo it: only a URL the parser reads unambiguously,
 * with its secrets hidden as {@link redactLocation} hides them. Anything else (a keyword string
 * such as `host=… password=…`, `user:password@host` or `postgres:secret` without `//`, a URL
 * that does not parse) is not printed at all: where a password starts and ends in it cannot be
 * told, so no part of it is safe to show.
 */
export function printableLocation(value: string): string | undefined {
  return unambiguousUrl(value) === undefined ? undefined : redactLocation(value);
}

/**
 * Hides, in a line about to be printed, every secret the given locations hold, whatever
 * wrote the line (a driver's error may quote its connection string): the last word on every
 * message the CLI prints about a store.
 */
export function redactSecrets(text: string, locations: ReadonlyArray<string | undefined>): string {
  const secrets = new Set(locations.flatMap((location) => (location === undefined ? [] : secretsOf(location))));
  // Longest first, so a secret that contains another is hidden whole.
  return [...secrets].sort((a, b) => b.length - a.length).reduce((line, secret) => line.split(secret).join(HIDDEN), text);
}

// The secrets of one location, as written and as decoded.
function secretsOf(value: string): string[] {
  const found: string[] = [];
  const parsed = unambiguousUrl(value);
  if (parsed !== undefined) {
    found.push(parsed.password);
    for (const [key, secret] of parsed.searchParams) if (SECRET_PARAMETER.test(key)) found.push(secret);
  } else {
    const { userinfo, rest } = split(value);
    // Drivers split the userinfo at its first ":": what follows is the password.
    if (userinfo?.includes(':') === true) found.push(userinfo.slice(userinfo.indexOf(':') + 1));
    for (const [key, secret] of parameters(rest)) if (SECRET_PARAMETER.test(key)) found.push(secret);
  }
  return found.flatMap((secret) => [secret, decoded(secret)]).filter((secret) => secret !== '' && secret !== HIDDEN);
}

// A URL whose userinfo, if any, is all that precedes the last "@": only then can the parse
// be trusted to have put the whole password where `password` finds it.
function unambiguousUrl(value: string): URL | undefined {
  const start = value.indexOf('://');
  if (start === -1 || !URL.canParse(value)) return undefined;
  const at = value.lastIndexOf('@');
  if (at !== -1 && /[/?#\\]/.test(value.slice(start + 3, at))) return undefined;
  return new URL(value);
}

// `scheme://`, the userinfo up to the last "@" (if any), and what follows it.
function split(value: string): { head: string; userinfo: string | undefined; rest: string } {
  const start = value.indexOf('://');
  const head = start === -1 ? '' : value.slice(0, start + 3);
  const body = value.slice(head.length);
  const at = body.lastIndexOf('@');
  return at === -1 ? { head, userinfo: undefined, rest: body } : { head, userinfo: body.slice(0, at), rest: body.slice(at + 1) };
}

// `key=value` pairs of text that is not a URL: after a "?", "&" or ";" as in a query string,
// and as PostgreSQL's keyword strings write them (`host=db password = 'a b'`), both forms taken
// so that every way of reading the text is covered.
function parameters(text: string): Array<[string, string]> {
  const query = [...text.matchAll(/[?&;]([^=&;#]*)=([^&;#]*)/g)].map((match): [string, string] => [decoded(match[1]!), match[2]!]);
  const keywords = [...text.matchAll(/(?:^|\s)([A-Za-z_][\w-]*)\s*=\s*('(?:\\.|[^'\\])*'?|\S*)/g)].flatMap((match): Array<[string, string]> => {
    const [key, value] = [match[1]!, match[2]!];
    const inner = value.startsWith("'") ? value.slice(1, value.endsWith("'") && value.length > 1 ? -1 : undefined) : value;
    return [[key, value], [key, inner], [key, inner.replace(/\\(.)/g, '$1')]];
  });
  return [...query, ...keywords];
}

function redactParameters(text: string): string {
  return text.replace(/([?&;])([^=&;#]*)=([^&;#]*)/g, (whole, separator: string, key: string) => (SECRET_PARAMETER.test(decoded(key)) ? `${separator}${key}=${HIDDEN}` : whole));
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
