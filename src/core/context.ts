import type { AccessTokens } from '../access-tokens/index.js';
import type { EventHub } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import type { StoreCalls } from '../store-calls.js';
import type { StoreOperations } from '../storage/index.js';

/** What the manager and every feature share, wired once by `createSessionManager`. */
export interface ManagerContext {
  /** The store, through the operations decided once over its contract. */
  readonly store: StoreOperations;
  readonly config: ResolvedOptions;
  /** Every store call goes through here: a deadline, and errors as `SessionError`. */
  readonly calls: StoreCalls;
  readonly hub: EventHub;
  readonly accessTokens: AccessTokens | undefined;
  /** Until when a revoked session's id stays on the access-token deny-list, at the latest: never past the row's expiry. */
  denyUntil(at: number): number;
  /** Whether the store keeps account activity, known devices and revocation links. */
  readonly keepsActivity: boolean;
  /** Drops this process's cached revocation state of the user (and tells the watchers). */
  afterRevocation(userId: string): void;
  /** Drops this process's cached revocation state of a tenant's users (and tells the watchers). */
  afterTenantRevocation(tenantId: string): void;
  /** Throws `CLOSED` once the manager was closed. */
  ensureOpen(): void;
  isClosed(): boolean;
}
