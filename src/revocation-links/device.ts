import type { ManagerContext } from '../core/context.js';
import type { RevocationLinkRecord } from '../store-capabilities/revocation-links.js';
import type { SessionRecord } from '../store.js';

// Which device a "This wasn't me" link is about. The link carries it from its issue (the
// session's row goes once it expires: pruning; Redis drops it a day later), so redemption
// reads nothing else to tell it. "That device" is bounded as device replacement bounds it.

/** The device a link is about: its session's browser and OS (device key), in its tenant. */
export interface LinkedDevice {
  readonly deviceKey: string;
  /** The tenant of the linked session (`undefined`: it had none). */
  readonly tenantId: string | undefined;
}

/**
 * The device of a session, as a link about it records it: none for a session of unknown
 * browser or OS (nothing else can be told to be "the same device"), nor for a support session
 * (its browser is the admin's, not the user's).
 */
export function deviceOfSession(session: SessionRecord): LinkedDevice | undefined {
  if (session.deviceKey === undefined || session.impersonatorId !== undefined) return undefined;
  return { deviceKey: session.deviceKey, tenantId: session.tenantId };
}

/**
 * The device a link ends: the one it carries. A link saved by a release before links carried
 * their device has none: its session's row tells it while that row is stored (`named`).
 */
export function deviceOfLink(link: RevocationLinkRecord, named: SessionRecord | undefined): LinkedDevice | undefined {
  if (link.deviceKey !== undefined) return { deviceKey: link.deviceKey, tenantId: link.tenantId };
  return named === undefined ? undefined : deviceOfSession(named);
}

/**
 * Whether a session of the user is on that device: the same device key in the same tenant, of
 * a kind that replaces devices (the kinds a browser holds), and not a support session.
 */
export function isOnDevice(context: ManagerContext, device: LinkedDevice, record: SessionRecord): boolean {
  const replacesDevices = context.config.kinds.get(record.kind)?.replaceDevice === true;
  return replacesDevices && record.impersonatorId === undefined && record.tenantId === device.tenantId && record.deviceKey === device.deviceKey;
}
