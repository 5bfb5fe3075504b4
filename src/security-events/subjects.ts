import { checkId, isPrintableText } from '../core/checks.js';
import { isObject } from '../option-checks.js';
import { sameIssuer } from '../federated/provider-url.js';
import { FEDERATED_LIMITS } from '../store-records.js';
import type { SecurityEventSubject, SecurityEventTransmitter } from './api.js';

// A provider's identities (iss_sub, a provider session id) are matched only with sessions'
// `federated` origin: an iss_sub whose sub equals a local user id never names that user.

/** A complex subject's `tenant` member as sent (`tenant`), and the local tenant it limits what ends to, with the sessions in no tenant (`tenantId`). */
interface Scope {
  readonly tenantId?: string | undefined;
  readonly tenant?: SecurityEventSubject | undefined;
}

/** What a subject names, once read. */
export type SubjectTarget = Scope &
  (
    | { readonly by: 'provider_session'; readonly iss: string; readonly sid: string; readonly user?: SubjectTarget | undefined }
    | { readonly by: 'provider_user'; readonly iss: string; readonly sub: string }
    | { readonly by: 'local_user'; readonly userId: string }
    | { readonly by: 'nobody' }
  );

// Google's RISC transmitter still names formats as the drafts of RFC 9493 did.
// A Map: a sender's `subject_type` of "toString" or "__proto__" names nothing inherited.
const LEGACY_FORMATS: ReadonlyMap<string, string> = new Map([['iss-sub', 'iss_sub'], ['phone', 'phone_number']]);

/**
 * The subject's format: `format`, or Google's RISC `subject_type` with the drafts' names read as
 * RFC 9493's (its `id_token_claims` with `iss` and `sub` is an `iss_sub`).
 */
function formatOf(subject: Record<string, unknown>): string | undefined {
  const format = subject['format'] ?? subject['subject_type'];
  if (typeof format !== 'string') return undefined;
  if (format === 'id_token_claims' && subject['format'] === undefined && typeof subject['iss'] === 'string' && typeof subject['sub'] === 'string') return 'iss_sub';
  return subject['format'] === undefined ? (LEGACY_FORMATS.get(format) ?? format) : format;
}

/** The most identifiers an `aliases` subject may list: one person's email, phone, account and provider ids. */
const MAX_ALIASES = 16;

/**
 * What a subject identifier names, or `undefined` when it is malformed; formats only the app can
 * map go through `resolveSubject` (what it throws is thrown). `opaqueNamesUser`: an event about an
 * account, whose `opaque` subject names a user (the app's to map), never a provider session.
 */
export async function readSubject(raw: unknown, transmitter: SecurityEventTransmitter, opaqueNamesUser: boolean): Promise<SubjectTarget | undefined> {
  if (!isObject(raw)) return undefined;
  const format = formatOf(raw);
  if (format === undefined) return undefined;
  if (format !== 'complex') return readSimple(raw, format, transmitter, opaqueNamesUser, undefined);
  // SSF 1.0 section 3.3: a session member is the narrowest; a tenant member scopes the others.
  const tenant = raw['tenant'];
  if (tenant !== undefined) {
    if (!isObject(tenant) || formatOf(tenant) === undefined) return undefined;
    // An unusable opaque id is malformed, not "every tenant".
    if (formatOf(tenant) === 'opaque' && !isPrintableText(tenant['id'], FEDERATED_LIMITS.idLength)) return undefined;
  }
  const session = raw['session'];
  // Checked before a resolver is asked: a malformed subject is refused, whatever they would throw.
  const sid = session === undefined ? undefined : isObject(session) && formatOf(session) === 'opaque' && isPrintableText(session['id'], FEDERATED_LIMITS.idLength) ? session['id'] : null;
  if (sid === null) return undefined;
  // Told to resolveSubject beside the user member: an app may keep a user per tenant.
  const member = isObject(tenant) ? ({ ...tenant, format: formatOf(tenant) } as SecurityEventSubject) : undefined;
  const user = raw['user'] === undefined ? undefined : isObject(raw['user']) && formatOf(raw['user']) !== undefined ? await readSimple(raw['user'], formatOf(raw['user'])!, transmitter, true, member) : undefined;
  if (raw['user'] !== undefined && user === undefined) return undefined;
  const tenantId = member === undefined ? undefined : await localTenant(member, transmitter);
  if (sid !== undefined) {
    // The provider session of the user's provider when the user member names one, else the transmitter's.
    const iss = user?.by === 'provider_user' ? user.iss : transmitter.issuer;
    return { by: 'provider_session', iss, sid, user, tenantId, tenant: member };
  }
  return user === undefined ? { by: 'nobody', tenantId, tenant: member } : { ...user, tenantId, tenant: member };
}

// `asUser`: a complex subject's `user` member, where an `opaque` id names a user (the app's to map), never a provider session.
async function readSimple(subject: Record<string, unknown>, format: string, transmitter: SecurityEventTransmitter, asUser: boolean, tenant: SecurityEventSubject | undefined): Promise<SubjectTarget | undefined> {
  if (format === 'aliases') {
    const identifiers = subject['identifiers'];
    if (!Array.isArray(identifiers) || identifiers.length === 0 || identifiers.length > MAX_ALIASES) return undefined;
    // RFC 9493 section 3.2.8: identifiers of one subject. This transmitter's own user among them is matched as such; else the app maps them whole.
    const own = identifiers.find((one) => isObject(one) && formatOf(one) === 'iss_sub' && typeof one['iss'] === 'string' && sameIssuer(transmitter.issuer, one['iss']));
    if (own !== undefined) return readSimple(own as Record<string, unknown>, 'iss_sub', transmitter, false, tenant);
  }
  if (format === 'iss_sub') {
    const { iss, sub } = subject;
    if (!isPrintableText(iss, FEDERATED_LIMITS.issLength) || !isPrintableText(sub, FEDERATED_LIMITS.subLength)) return undefined;
    // A transmitter speaks for its own users: another provider's user is for the app to map, if at all.
    if (sameIssuer(transmitter.issuer, iss)) return { by: 'provider_user', iss, sub };
  }
  if (format === 'opaque') {
    const id = subject['id'];
    if (!isPrintableText(id, FEDERATED_LIMITS.idLength)) return undefined;
    if (!asUser) return { by: 'provider_session', iss: transmitter.issuer, sid: id };
  }
  return resolvedUser(subject, format, transmitter, tenant);
}

/** The app's tenant a `tenant` member names: `resolveTenant`'s answer, else an `opaque` id as sent; `undefined` limits nothing (ends more, never less). */
async function localTenant(tenant: SecurityEventSubject, transmitter: SecurityEventTransmitter): Promise<string | undefined> {
  if (transmitter.resolveTenant === undefined) return tenant.format === 'opaque' ? (tenant['id'] as string) : undefined;
  const tenantId = await transmitter.resolveTenant(tenant);
  if (tenantId === undefined || tenantId === null) return undefined;
  checkId('the tenant id resolveTenant() answered', tenantId);
  return tenantId;
}

/** The local user the transmitter's `resolveSubject` maps the subject (of a complex subject's `tenant`) to, or nobody (without it too); what it throws is thrown. */
export async function resolvedUser(subject: Record<string, unknown>, format: string, transmitter: SecurityEventTransmitter, tenant: SecurityEventSubject | undefined): Promise<SubjectTarget> {
  if (transmitter.resolveSubject === undefined) return { by: 'nobody' };
  const userId = await transmitter.resolveSubject({ ...subject, format } as SecurityEventSubject, tenant === undefined ? {} : { tenant });
  if (userId === undefined || userId === null) return { by: 'nobody' };
  checkId('the user id resolveSubject() answered', userId);
  return { by: 'local_user', userId };
}
