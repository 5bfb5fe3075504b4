import { isPrintableText } from '../core/checks.js';
import { invalidConfiguration, optionsObject } from '../option-checks.js';
import { STORE_LIMITS } from '../store-records.js';

const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** An issuer as given and with its trailing `/` toggled: Google's RISC issuer has one, its ID tokens' `iss` not. */
export const issuerSpellings = (iss: string): readonly string[] => [iss, iss.endsWith('/') ? iss.slice(0, -1) : `${iss}/`];

/** Whether a token's `iss` names this configured issuer, in either of its spellings ({@link issuerSpellings}). */
export const sameIssuer = (issuer: string, iss: string): boolean => issuerSpellings(issuer).includes(iss);

/**
 * The first entry whose issuer shares a spelling ({@link issuerSpellings}) with an earlier entry's: one issuer must be
 * one entry where its entry decides whose subjects a token may name, or one spelling's token could name the other's.
 */
export function issuerListedTwice<T extends { readonly issuer: string }>(entries: readonly T[]): T | undefined {
  const overlap = (a: string, b: string): boolean => issuerSpellings(a).some((spelling) => issuerSpellings(b).includes(spelling));
  return entries.find((entry, index) => entries.findIndex((other) => overlap(entry.issuer, other.issuer)) !== index);
}

/**
 * Checks a provider URL (it carries keys and ID tokens), named `name` in the message: absolute https, or plain http on this machine only.
 * `namedBy`: the URL of the provider's document that named it; one read over https names https URLs only (plain http is for a provider run here).
 */
export function checkProviderUrl(value: unknown, name: string, namedBy?: URL): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw invalidConfiguration(`${name} must be an absolute https URL, not ${JSON.stringify(String(value).slice(0, 200))}.`);
  }
  // fetch refuses a URL with credentials: caught here, not as a 503 on every later request.
  if (url.username !== '' || url.password !== '') {
    const shown = new URL(url.href);
    if (shown.password !== '') shown.password = '***';
    throw invalidConfiguration(`${name} (${shown.href}) carries a user name or password: give the URL without them (fetch refuses such a URL).`);
  }
  // The URL parser has already normalised the host (`127.1`, `0x7f000001`, `[0:0::1]`, `LOCALHOST`).
  if (url.protocol === 'http:' && url.hostname !== 'localhost' && url.hostname !== '[::1]' && !LOOPBACK_IPV4.test(url.hostname)) {
    throw invalidConfiguration(`${name} (${url.href}) is plain http: use the provider's https URL (plain http is accepted only on this machine: 127.0.0.0/8, ::1, localhost).`);
  }
  if (url.protocol === 'http:' && namedBy?.protocol === 'https:') throw invalidConfiguration(`${name} (${url.href}) is plain http, named by ${namedBy.href}, which was read over https.`);
  return url;
}

/** Checks an issuer that is the `by` of its revocations as `checkActor` an app's: an id's length, printable (`URL.canParse` takes controls in a path). */
export function checkActingIssuer(name: string, issuer: string): void {
  if (!isPrintableText(issuer, STORE_LIMITS.idLength)) {
    throw invalidConfiguration(`${name} must be at most ${STORE_LIMITS.idLength} characters, without control characters or unpaired surrogates.`);
  }
}

/**
 * Checks a non-empty list of provider entries holding only `fields`, each `issuer` and any `jwksUri` a provider URL;
 * `shape` describes an entry, `listName` names the option (`"issuers"`, `"transmitters"`) and, without its plural s, an entry.
 */
export function checkProviderEntries<T extends { readonly issuer: string; readonly jwksUri?: string | undefined }>(
  name: string,
  list: unknown,
  fields: readonly string[],
  shape: string,
  listName = 'issuers',
): T[] {
  if (!Array.isArray(list) || list.length === 0) throw invalidConfiguration(`${name}: ${listName} must be a non-empty list of ${shape}.`);
  const each = `${name}: each ${listName.slice(0, -1)}`;
  return Array.from(list as unknown[], (entry) => {
    // A hole in the list is no provider: refused, not read as an empty entry.
    if (entry === undefined) throw invalidConfiguration(`${each} must be an object (got undefined).`);
    const checked = optionsObject(each, entry as T, fields);
    checkProviderUrl(checked.issuer, `${name}: issuer`);
    if (checked.jwksUri !== undefined) checkProviderUrl(checked.jwksUri, `${name}: jwksUri`);
    return checked;
  });
}
