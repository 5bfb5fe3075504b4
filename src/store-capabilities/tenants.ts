import type { ActivityRecord } from './activity.js';
import type { Epochs } from '../store-records.js';

/**
 * The tenant capability of a store: one epoch per tenant and kind, for a tenant-wide sign-out
 * in O(1) writes.
 *
 * **Tenant epochs.** A tenant has epochs per kind like a user. A session with a `tenantId` is
 * live only if also `createdAt > tenantEpochs[kind]`; `create` stores `createdAt = max(requested,
 * userEpoch + 1, tenantEpoch + 1)` and raises the tenant's high-water mark for the kind. A store
 * with this capability answers the row's tenant epochs from `get` in the same round trip as the
 * row and the user's epochs, and `tenantEpochs` from `listByUser` and `getRevocationState`.
 *
 * @module
 */

/** Options of {@link TenantStore.revokeTenant}. */
export interface RevokeTenantOptions {
  /** Kinds whose tenant epochs are raised. Never empty. */
  readonly kinds: readonly string[];
  /** The requested epoch (ms), usually "now". */
  readonly at: number;
  /** The tenant's activity entry, written in the same step (stores with activity). */
  readonly activity?: ActivityRecord | undefined;
}

/** Tenant-wide revocation. */
export interface TenantStore {
  /**
   * Raises the tenant's epoch of each kind to `max(epoch, at, tenant high-water mark)`, O(1)
   * writes however many users and sessions the tenant has, and publishes a notice with
   * `tenantId` (stores that publish).
   * @param tenantId - The tenant.
   * @param options - The kinds, the requested epoch, the activity entry.
   * @returns The tenant's epochs of the named kinds after the raise.
   * @throws {@link session-revocation!SessionError} `STORE_UNAVAILABLE`, `STORE_ERROR`, `CLOSED`.
   */
  revokeTenant(tenantId: string, options: RevokeTenantOptions): Promise<Epochs>;
}
