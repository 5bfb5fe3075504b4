import { deviceLabel } from '../device.js';
import { listActivity } from '../activity/activity.js';
import type { ManagerContext } from '../manager/context.js';
import { readSession } from '../manager/live-session.js';
import type { RevocationLinkRecord } from './store.js';
import type { SessionLookup, SessionRecord } from '../store.js';

// Which device a "This wasn't me" link is about. A link keeps only the user and the session id,
// and the session's row goes once it expires (pruning; Redis drops it a day later): then the
// device is read from the account activity of that session, which the store keeps with its
// sign-in for `activityRetention` (a link lives at most 30 days; the retention is 90 by default).

/** The most activity pages (of 1,000 entries) read to find the sign-in of a pruned session. */
const MAX_ACTIVITY_PAGES = 10;
const PAGE = 1_000;

/** The device a link is about: its session's tenant, and which sessions are of its browser and OS. */
export interface LinkedDevice {
  /** The tenant of the linked session (`undefined`: it had none). */
  readonly tenantId: string | undefined;
  /** Whether a session of the user is of that browser and OS. */
  readonly holds: (record: SessionRecord) => boolean;
}

/** The linked session's row (`null` when gone) and its device (`undefined` when it cannot be told). */
export interface LinkTarget {
  readonly named: SessionLookup | null;
  readonly device: LinkedDevice | undefined;
}

/**
 * Finds what a link names: the session's row when it is still stored, and the device from that
 * row or, once the row is gone, from the activity of that session. A session of unknown browser
 * or OS (no device key) has no device: nothing else can be told to be "the same device".
 */
export async function linkTarget(context: ManagerContext, link: RevocationLinkRecord): Promise<LinkTarget> {
  const found = await readSession(context, link.sessionId);
  const named = found !== null && found.session.userId === link.userId ? found : null;
  if (named !== null) {
    const { deviceKey, tenantId } = named.session;
    return { named, device: deviceKey === undefined ? undefined : { tenantId, holds: (record) => record.deviceKey === deviceKey } };
  }
  return { named: null, device: await deviceFromActivity(context, link) };
}

// The newest entry about the session that names its device (its sign-in, or a revocation):
// entries carry the label ("Chrome on Mac OS"), which a session has exactly when its device key
// ("Chrome|Mac OS") is made of the same browser and OS.
async function deviceFromActivity(context: ManagerContext, link: RevocationLinkRecord): Promise<LinkedDevice | undefined> {
  let before: string | undefined;
  for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
    const entries = await listActivity(context, link.userId, { limit: PAGE, before });
    const entry = entries.find((candidate) => candidate.sessionId === link.sessionId && candidate.deviceLabel !== undefined);
    if (entry !== undefined) return knownDevice(entry.deviceLabel!, entry.tenantId);
    if (entries.length < PAGE) return undefined;
    before = entries.at(-1)!.id;
  }
  return undefined;
}

// A label of an unknown browser or OS ("Unknown device", "Chrome", "Unknown browser on Linux")
// is no device: sessions of unknown devices have no key and are never "the same device".
function knownDevice(label: string, tenantId: string | undefined): LinkedDevice | undefined {
  if (!label.includes(' on ') || label.startsWith('Unknown browser on ')) return undefined;
  return { tenantId, holds: (record) => record.deviceKey !== undefined && deviceLabel(record) === label };
}
