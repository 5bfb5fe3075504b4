import type { ManagerContext } from '../core/context.js';
import type { RevocationLinkRecord } from '../storage/types.js';
import type { SessionRecord } from '../store.js';

// The link carries its device from its issue: the session's row may be pruned before redemption.

/** The device a link is about: its session's browser and OS (device key), in its tenant. */
export interface LinkedDevice {
  readonly deviceKey: string;
  /** The tenant of the linked session (`undefined`: it had none). */
  readonly tenantId: string | undefined;
}

/** None for an unknown browser or OS, nor for a support session (its browser is the admin's, not the user's). */
export function deviceOfSession(session: SessionRecord): LinkedDevice | undefined {
  if (session.deviceKey === undefined || session.impersonatorId !== undefined) return undefined;
  return { deviceKey: session.deviceKey, tenantId: session.tenantId };
}

/** The device a link carries, else its session's row's while stored (`named`). */
export function deviceOfLink(link: RevocationLinkRecord, named: SessionRecord | undefined): LinkedDevice | undefined {
  if (link.deviceKey !== undefined) return { deviceKey: link.deviceKey, tenantId: link.tenantId };
  return named === undefined ? undefined : deviceOfSession(named);
}

/** The same device key and tenant, a kind that replaces devices, and not a support session. */
export function isOnDevice(context: ManagerContext, device: LinkedDevice, record: SessionRecord): boolean {
  const replacesDevices = context.config.kinds.get(record.kind)?.replaceDevice === true;
  return replacesDevices && record.impersonatorId === undefined && record.tenantId === device.tenantId && record.deviceKey === device.deviceKey;
}
