import { Writable } from 'node:stream';
import { parseJson } from '../parse-json.js';
import { printable } from './terminal.js';

/** What stands for a hidden secret in every message. */
const HIDDEN = '***';

// Query values drivers read as flags, timeouts and sizes: not secret unless so named (`password=123456`); hiding them would garble addresses ("1" in "127.0.0.1").
const PLAIN_VALUE = /^(?:\d+|true|false)$/i;
const SECRET_NAME = /pass|secret|token|key/i;

/** A store location as the CLI may print it: scheme, user, host, port, database; no password, query (mysql2 reads `ssl` there) or fragment. An ambiguous URL loses all up to its last `@`. */
export function redactLocation(value: string): string {
  if (value.startsWith('sqlite:')) return `sqlite:${redactFileName(value.slice('sqlite:'.length))}`;
  const parsed = unambiguousUrl(value);
  if (parsed !== undefined) {
    const user = parsed.username === '' ? '' : `${parsed.username}@`;
    return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  }
  const { head, rest } = split(value);
  return `${head}${redactFileName(rest)}`;
}

/** An SQLite file name as the CLI may print it: up to any `?` or `#` (a URI's query, a key). */
export const redactFileName = (filename: string): string => filename.replace(/[?#].*$/s, '');

/** A refused location as the CLI may echo it: only a URL parsed unambiguously (no part of `host=… password=…` or `user:password@host` is known safe). */
export function printableLocation(value: string): string | undefined {
  return unambiguousUrl(value) === undefined ? undefined : redactLocation(value);
}

// Flags and environment variables whose whole value is a secret: a bearer token, an Authorization header value.
const SECRET_FLAGS: readonly string[] = ['--token', '--push-authorization'];
const SECRET_ENV: readonly string[] = ['SESSION_REVOCATION_SSF_TOKEN', 'SESSION_REVOCATION_SSF_PUSH_AUTHORIZATION'];

/** Hides in any line about to be printed (a driver may quote its connection string) every secret of the store locations in argv and env, and {@link SECRET_FLAGS} and {@link SECRET_ENV} values whole; prints what a terminal would obey or reorder as `?` ({@link printable}). */
export function commandLineRedactor(argv: readonly string[], env: NodeJS.ProcessEnv): (text: string) => string {
  const locations = [env['SESSION_REVOCATION_STORE'], ...argv.filter((arg) => /[:=@]/.test(arg))].filter((value) => value !== undefined);
  const given = argv.flatMap((arg, index) => {
    const flag = SECRET_FLAGS.find((name) => arg === name || arg.startsWith(`${name}=`));
    if (flag === undefined) return [];
    return arg === flag ? (argv[index + 1] === undefined ? [] : [argv[index + 1]!]) : [arg.slice(flag.length + 1)];
  });
  const tokens = [...given, ...SECRET_ENV.map((name) => env[name])].filter((value): value is string => value !== undefined && value.trim() !== '');
  // A bearer token is also hidden as it is sent (trimmed, without its scheme), as a transmitter may quote either.
  const secrets = new Set([...locations.flatMap(secretsOf), ...tokens.flatMap((value) => [value, value.trim().replace(/^Bearer\s+/i, '')]).filter((token) => token !== '')]);
  // Longest first, so a secret that contains another is hidden whole.
  const longestFirst = [...secrets].sort((a, b) => b.length - a.length);
  // Secrets first: one holding a character shown as `?` would no longer be found whole.
  return (text) => printable(longestFirst.reduce((line, secret) => line.split(secret).join(HIDDEN), text));
}

/** A stream writing to `target` through `redact`: for drivers' own console warnings. */
export function redactingStream(target: NodeJS.WritableStream, redact: (text: string) => string): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      target.write(redact(chunk.toString()), done);
    },
  });
}

// The password, every query value, the query and the fragment, as written and as decoded (by a form, "+" a space, and as a URL's user info, "+" kept).
function secretsOf(value: string): string[] {
  const parsed = unambiguousUrl(value);
  const found =
    parsed === undefined
      ? fallbackSecrets(value)
      : [parsed.password, parsed.search.slice(1), parsed.hash.slice(1), ...[...parsed.searchParams].flatMap(([name, value]) => namedValue(name, value))];
  return found.flatMap((secret) => [secret, decoded(secret), decoded(secret, false), encodeURIComponent(secret)]).filter((secret) => secret !== '' && secret !== HIDDEN);
}

// A JSON value's strings are secrets of their own: a driver may print one it parsed out.
const queryValues = (values: readonly string[]): string[] => values.filter((value) => !PLAIN_VALUE.test(value)).flatMap(withJsonStrings);
const namedValue = (name: string, value: string): string[] => (SECRET_NAME.test(name) ? [value] : queryValues([value]));

// What cannot be parsed is cut where drivers would cut it, every way it may be read.
function fallbackSecrets(value: string): string[] {
  const { userinfo, rest } = split(value);
  // Drivers split the userinfo at its first ":": what follows is the password.
  const password = userinfo?.includes(':') === true ? [userinfo.slice(userinfo.indexOf(':') + 1)] : [];
  const query = /[?#](.*)$/s.exec(rest)?.[1];
  const pairs = query === undefined ? [] : query.split(/[&;#]/).flatMap((pair) => namedValue(pair.slice(0, Math.max(pair.indexOf('='), 0)), pair.slice(pair.indexOf('=') + 1)));
  return [...password, ...(query === undefined ? [] : queryValues([query])), ...pairs, ...keywordValues(rest)];
}

function withJsonStrings(value: string): string[] {
  const parsed = parseJson(value);
  return parsed === undefined ? [value] : [value, ...jsonStrings(parsed)];
}

function jsonStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(jsonStrings);
}

// Values of PostgreSQL keyword strings (`host=db password = 'a b'`), bare, quoted and unescaped.
function keywordValues(text: string): string[] {
  return [...text.matchAll(/(?:^|\s)([A-Za-z_][\w-]*)\s*=\s*('(?:\\.|[^'\\])*'?|\S*)/g)].flatMap((match) => {
    const value = match[2]!;
    const inner = value.startsWith("'") ? value.slice(1, value.endsWith("'") && value.length > 1 ? -1 : undefined) : value;
    return [value, inner, inner.replace(/\\(.)/g, '$1')].flatMap((form) => namedValue(match[1]!, form));
  });
}

// A URL whose userinfo, if any, is all before the last "@": only then has the parse put the whole password in `password`.
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

function decoded(text: string, plusIsSpace = true): string {
  try {
    return decodeURIComponent(plusIsSpace ? text.replace(/\+/g, ' ') : text);
  } catch {
    return text;
  }
}
