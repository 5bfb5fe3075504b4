// Apart from the parser, so the storage layer labels a device without loading ua-parser-js.

/** What a device parser extracts from a User-Agent string. Unknown parts stay undefined. */
export interface DeviceInfo {
  /** Browser name, e.g. `"Chrome"`, `"Safari"`. */
  readonly browser?: string | undefined;
  /** Operating system name, e.g. `"Mac OS"`, `"iOS"`. */
  readonly os?: string | undefined;
  /** `"desktop"`, `"mobile"`, `"tablet"`, or another type the parser knows. */
  readonly deviceType?: string | undefined;
}

/** The label a person reads: `"Chrome on Mac OS"`, `"Chrome"` (OS unknown), `"Unknown browser on iOS"` (browser unknown) or `"Unknown device"`. */
export function deviceLabel(device: DeviceInfo): string {
  if (device.browser !== undefined && device.os !== undefined) return `${device.browser} on ${device.os}`;
  if (device.os !== undefined) return `Unknown browser on ${device.os}`;
  if (device.browser !== undefined) return device.browser;
  return 'Unknown device';
}

/** The label of a stored session as its user reads it, in their list, activity and events: a support session says who acts. */
export const sessionLabel = (row: DeviceInfo & { readonly impersonatorId?: string | undefined }): string => (row.impersonatorId === undefined ? deviceLabel(row) : `Support access by ${row.impersonatorId}`);
