import { optionKeys } from '../option-checks.js';
import type { ActivityOptions, ActorOptions, CreateSessionInput, CredentialChangeOptions, ImpersonateOptions, ListOptions, ReauthenticateOptions, RedeemRevocationLinkOptions, RevocationLinkOptions, RevokeAllSessionsOptions, RevokeOthersSessionsOptions, RevokeSessionOptions, RevokeTenantSessionsOptions, SessionManager, SignOutOptions } from './api.js';

/** The keys of each public method's options. */
export const OPTION_KEYS = {
  create: optionKeys<CreateSessionInput>({ userId: true, kind: true, userAgent: true, ip: true, tenantId: true, data: true, previousToken: true, persistent: true, federated: true }),
  actor: optionKeys<ActorOptions>({ by: true, tenantId: true }),
  reauthenticated: optionKeys<ReauthenticateOptions>({ by: true }),
  revoke: optionKeys<RevokeSessionOptions>({ by: true, tenantId: true, reason: true, userId: true }),
  revokeAll: optionKeys<RevokeAllSessionsOptions & RevokeOthersSessionsOptions>({ by: true, tenantId: true, kinds: true, reason: true }),
  revokeTenant: optionKeys<RevokeTenantSessionsOptions>({ by: true, kinds: true, reason: true }),
  signOut: optionKeys<SignOutOptions>({ by: true, tenantId: true, thisDeviceOnly: true }),
  credentialChange: optionKeys<CredentialChangeOptions>({ by: true, tenantId: true, currentSessionId: true }),
  list: optionKeys<ListOptions>({ currentSessionId: true, locale: true, now: true, kinds: true }),
  prune: optionKeys<{ readonly limit?: number }>({ limit: true }),
  ttl: optionKeys<RevocationLinkOptions & NonNullable<Parameters<SessionManager['issueAccessToken']>[1]>>({ ttl: true }),
  impersonate: optionKeys<ImpersonateOptions>({ ttl: true, tenantId: true, userAgent: true, ip: true }),
  activity: optionKeys<ActivityOptions>({ limit: true, before: true, tenantId: true }),
  redeemRevocationLink: optionKeys<RedeemRevocationLinkOptions>({ everywhere: true }),
};
