import { kindsOf } from '../core/checks.js';
import type { ManagerContext } from '../core/context.js';
import { actedOn, actOnce } from '../core/claim-once.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { IssuerKeys } from '../federated/keys.js';
import { callBack } from '../events.js';
import { findLinks } from '../federated/links.js';
import { issuerSpellings } from '../federated/provider-url.js';
import type { FederatedLink } from '../storage/types.js';
import type { SecurityEventOptions, SecurityEventRefusalReport, SecurityEventResult, SecurityEventTransmitter } from './api.js';
import { EVENT_ACTIONS, type SecurityEventAction } from './event-types.js';
import { checkSecurityEventOptions } from './options.js';
import { readSubject, resolvedUser, type SubjectTarget } from './subjects.js';
import { inTenantScope } from '../rules/revoke-others.js';
import { checkSecurityEventToken } from './token.js';

/** Why every session a SET ends is ended. */
const REASON = 'security_event';

/** Checks one SET, then acts on it unless a delivery of it finished before, per transmitter across instances ({@link actOnce}). */
export async function securityEvent(context: ManagerContext, lifecycle: Lifecycle, keys: IssuerKeys, set: unknown, options: SecurityEventOptions): Promise<SecurityEventResult> {
  context.ensureOpen();
  const { transmitters, onRefused } = checkSecurityEventOptions(options);
  const { config } = context;
  const refused = (refusal: SecurityEventRefusalReport): SecurityEventResult => {
    callBack(onRefused, refusal, context.config.onError);
    return { ok: false, err: refusal.err, description: refusal.description };
  };
  const checked = await checkSecurityEventToken(set, { transmitters, now: config.clock(), keys });
  if (!checked.ok) return refused(checked.refusal);
  const { transmitter, jti, eventType, subject, acceptableUntil } = checked.claims;
  const action = EVENT_ACTIONS.get(eventType);
  const once = { scope: 'security_event', issuer: transmitter.issuer, id: jti, until: acceptableUntil } as const;
  const accepted = (revokedIds: readonly string[], replayed: boolean): SecurityEventResult => ({ ok: true, issuer: transmitter.issuer, jti, eventType, revokedIds, replayed });
  if (await actedOn(context, once)) return accepted([], true);
  // Read before the claim: a SET that cannot be acted on is refused without being remembered.
  const target = action === undefined ? undefined : await readSubject(subject, transmitter, action !== 'session');
  if (action !== undefined && target === undefined) {
    return refused({ err: 'invalid_request', description: 'The SET\'s subject is missing or malformed.', issuer: transmitter.issuer });
  }
  return actOnce(
    context,
    once,
    async () => accepted(action === undefined || target === undefined ? [] : await act(context, lifecycle, { action, target, transmitter }), false),
    () => accepted([], true),
  );
}

/** Ends what one event names; answers the sessions ended. */
async function act(context: ManagerContext, lifecycle: Lifecycle, { action, target, transmitter }: { action: SecurityEventAction; target: SubjectTarget; transmitter: SecurityEventTransmitter }): Promise<string[]> {
  const { tenantId } = target;
  const by = transmitter.issuer;
  if (action === 'session' && target.by !== 'local_user' && target.by !== 'nobody') {
    // CAEP 1.0 section 3.1: that provider session's sessions, or the provider user's.
    const links = await linksOf(context, target);
    return lifecycle.revokeLinked(links, { reason: REASON, by, tenantId });
  }
  const revokedIds: string[] = [];
  for (const [userId, inTenant] of await usersOf(context, target, transmitter)) {
    if (action === 'credential') {
      revokedIds.push(...(await credentialChanged(context, lifecycle, { userId, target, by, inTenant })));
    } else {
      const kinds = action === 'account' ? 'all' : action === 'api_tokens' ? ['api'] : undefined;
      revokedIds.push(...(await endUser(context, lifecycle, userId, { kinds, tenantId, by, inTenant })));
    }
  }
  return revokedIds;
}

/** CAEP 1.0 section 3.3, as a password change here: `"others"` keeps the provider session named (when there is one session to keep). */
async function credentialChanged(context: ManagerContext, lifecycle: Lifecycle, { userId, target, by, inTenant }: { userId: string; target: SubjectTarget; by: string; inTenant: InTenant }): Promise<string[]> {
  if (context.config.onPasswordChange === 'others' && target.by === 'provider_session' && target.tenant === undefined) {
    const kept = (await linksOf(context, target)).filter((link) => link.userId === userId);
    if (kept.length === 1) return [...(await lifecycle.revokeOthers(userId, kept[0]!.sessionId, { reason: REASON, by })).revokedIds];
  }
  return endUser(context, lifecycle, userId, { kinds: undefined, tenantId: target.tenantId, by, inTenant });
}

/** Ends the user's sessions of the kinds (by default the `everywhereKinds`); the ids are those of these kinds live just before, as `list()` shows them. */
async function endUser(
  context: ManagerContext,
  lifecycle: Lifecycle,
  userId: string,
  { kinds, tenantId, by, inTenant }: { kinds: readonly string[] | 'all' | undefined; tenantId: string | undefined; by: string; inTenant: InTenant },
): Promise<string[]> {
  const before = tenantId === undefined ? await lifecycle.list(userId, kinds === 'all' ? {} : { kinds: kindsOf(kinds, context.config) }) : [];
  const result = await lifecycle.revokeAll(userId, { reason: REASON, by, tenantId, ...(kinds === undefined ? {} : { kinds }) }, inTenant);
  if (result.revokedIds !== undefined) return [...result.revokedIds];
  return before.map((view) => view.id);
}

/** How far a tenant the subject names reaches for a user: that tenant's sessions and those in no tenant, or (a user found only through a sign-in in another tenant) that tenant's only. */
type InTenant = 'only' | 'or-no-tenant';

/**
 * The local users a target names: the one `resolveSubject` answered, or those whose sessions came from the
 * provider identity. A complex subject's user member counts beside its session member, which narrows only a session-revoked event.
 * A provider user none of whose sessions through the provider is live any more (in the tenant named, or in none) is also the one
 * `resolveSubject` maps its `iss_sub` to: the user's other sessions (an API token made while signed in through it) must still end.
 * A sign-in in another tenant than the one named may be another local user's (an app may keep a user per tenant): only sessions in the tenant named end for that user.
 */
async function usersOf(context: ManagerContext, target: SubjectTarget, transmitter: SecurityEventTransmitter): Promise<Map<string, InTenant>> {
  const found = new Map<string, InTenant>();
  if (target.by === 'nobody') return found;
  if (target.by === 'local_user') return found.set(target.userId, 'or-no-tenant');
  const named = target.by === 'provider_session' && target.user !== undefined ? await usersOf(context, { ...target.user, tenantId: target.tenantId, tenant: target.tenant }, transmitter) : new Map<string, InTenant>();
  const links = await linksOf(context, target);
  const inScope = links.filter((link) => inTenantScope(link.tenantId, { tenantId: target.tenantId, orNoTenant: true }));
  const mapped = target.by === 'provider_user' && inScope.length === 0 ? await usersOf(context, await resolvedUser({ iss: target.iss, sub: target.sub }, 'iss_sub', transmitter, target.tenant), transmitter) : new Map<string, InTenant>();
  for (const link of links) if (!inScope.includes(link)) found.set(link.userId, 'only');
  // The wider reach wins: a user member's own verdict stands beside this target's links.
  for (const [userId, reach] of [...named, ...mapped]) if (found.get(userId) !== 'or-no-tenant') found.set(userId, reach);
  for (const link of inScope) found.set(link.userId, 'or-no-tenant');
  return found;
}

/** The sessions signed in through a provider session or provider user; the id matches exactly. */
async function linksOf(context: ManagerContext, target: SubjectTarget): Promise<readonly FederatedLink[]> {
  if (target.by !== 'provider_session' && target.by !== 'provider_user') return [];
  const links: FederatedLink[] = [];
  for (const iss of issuerSpellings(target.iss)) {
    const found = target.by === 'provider_session' ? await findLinks(context, { by: 'sid', iss, sid: target.sid }) : await findLinks(context, { by: 'sub', iss, sub: target.sub });
    links.push(...found.filter((link) => link.iss === iss && (target.by === 'provider_session' ? link.sid === target.sid : link.sub === target.sub)));
  }
  return links;
}
