import type { FederatedLink, FederatedQuery } from '../../src/federated/store.js';
import type { ActivityRecord, Epochs, KindStats, KnownDevice, ListActivityOptions, RevocationLinkRecord, RevokeTenantOptions, SessionStore } from '../../src/store.js';

/** A {@link SessionStore} on PostgreSQL, with the migration that creates its tables. */
export interface PostgresStore extends SessionStore {
  // The optional capabilities of the contract, which this store always has.
  /** {@inheritDoc session-revocation/store!TenantStore.revokeTenant} */
  revokeTenant(tenantId: string, options: RevokeTenantOptions): Promise<Epochs>;
  /** {@inheritDoc session-revocation/store!ActivityStore.appendActivity} */
  appendActivity(entries: readonly ActivityRecord[]): Promise<void>;
  /** {@inheritDoc session-revocation/store!ActivityStore.listActivity} */
  listActivity(userId: string, options: ListActivityOptions): Promise<readonly ActivityRecord[]>;
  /** {@inheritDoc session-revocation/store!ActivityStore.rememberDevice} */
  rememberDevice(userId: string, deviceHash: string, at: number): Promise<number | null>;
  /** {@inheritDoc session-revocation/store!ActivityStore.listDevices} */
  listDevices(userId: string): Promise<readonly KnownDevice[]>;
  /** {@inheritDoc session-revocation/store!RevocationLinkStore.saveRevocationLink} */
  saveRevocationLink(link: RevocationLinkRecord): Promise<void>;
  /** {@inheritDoc session-revocation/store!RevocationLinkStore.consumeRevocationLink} */
  consumeRevocationLink(id: string, secretHash: Uint8Array, now: number): Promise<RevocationLinkRecord | null>;
  /** {@inheritDoc session-revocation/store!StatsStore.stats} */
  stats(now: number): Promise<Readonly<Record<string, KindStats>>>;
  /** {@inheritDoc session-revocation/store!FederatedStore.saveFederatedLink} */
  saveFederatedLink(link: FederatedLink): Promise<void>;
  /** {@inheritDoc session-revocation/store!FederatedStore.findFederatedLinks} */
  findFederatedLinks(query: FederatedQuery, now: number): Promise<readonly FederatedLink[]>;
  /** {@inheritDoc session-revocation/store!FederatedStore.rememberLogoutToken} */
  rememberLogoutToken(iss: string, jti: string, until: number): Promise<boolean>;
  /** {@inheritDoc session-revocation/store!FederatedStore.forgetLogoutToken} */
  forgetLogoutToken(iss: string, jti: string): Promise<void>;
  /** {@inheritDoc session-revocation/store!FederatedStore.seenLogoutToken} */
  seenLogoutToken(iss: string, jti: string): Promise<boolean>;
  /** {@inheritDoc session-revocation/store!FederatedStore.eraseFederatedLinks} */
  eraseFederatedLinks(userId: string): Promise<void>;
  /** {@inheritDoc session-revocation/store!FederatedStore.pruneFederated} */
  pruneFederated(now: number, limit: number): Promise<number>;
  /**
   * Creates or upgrades the schema, tables, indexes and the sign-in function. Idempotent, and
   * safe to run from several instances at once (it takes a transaction-scoped advisory lock).
   * One simple query, so it also runs through a transaction pooler. The same SQL ships as
   * `schema.sql` for teams that run migrations themselves; run it again after upgrading
   * this package.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` when PostgreSQL cannot be reached,
   * `STORE_ERROR` when the script fails (no privilege to create the schema, a table of the
   * same name with another shape).
   */
  migrate(): Promise<void>;
  /** Stops listening for revocations. The app's pool stays open: it belongs to the app. */
  close(): Promise<void>;
}
