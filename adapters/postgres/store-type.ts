import type { ActivityStore, CoreSessionStore, FederatedStore, PublishingStore, RevocationLinkStore, SessionStore, StatsStore, TenantStore } from '../../src/store.js';

// The optional capabilities of the contract, which this store always has.
type Capabilities = TenantStore & ActivityStore & RevocationLinkStore & StatsStore & FederatedStore;

/** A {@link SessionStore} on PostgreSQL with every optional capability, and the migration that creates its tables. */
export interface PostgresStore extends CoreSessionStore, Capabilities {
  /** {@inheritDoc session-revocation/store!PublishingStore.subscribe} */
  subscribe?: PublishingStore['subscribe'];
  /**
   * Creates the schema, tables, indexes and the sign-in function (schema version 1). Idempotent,
   * and safe to run from several instances at once (it takes a transaction-scoped advisory lock).
   * One simple query, so it also runs through a transaction pooler. The same SQL ships as
   * `schema.sql` for teams that run migrations themselves.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE` when PostgreSQL cannot be reached,
   * `STORE_ERROR` when the script fails (no privilege to create the schema, a table of the
   * same name with another shape).
   */
  migrate(): Promise<void>;
  /** Stops listening for revocations. The app's pool stays open: it belongs to the app. */
  close(): Promise<void>;
}
