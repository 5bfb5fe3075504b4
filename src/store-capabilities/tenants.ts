import type { ActivityRecord } from './activity.js';
import type { Epochs } from '../store-records.js';

/**
 * The tenant capability of a store: one epoch per tenant and kind. A session with a `tenantId`
 * is live only if also `createdAt > tenantEpochs[kind]`; `get` answers them in the same round trip.
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
   * Raises the tenant's epoch of each kind to `max(epoch, at, tenant high-water mark)` and
   * publishes a notice with `tenantId` (stores that publish).
   * @returns The tenant's epochs of the named kinds after the raise.
   */
  revokeTenant(tenantId: string, options: RevokeTenantOptions): Promise<Epochs>;
}
