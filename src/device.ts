import UAParser from 'ua-parser-js';
import { STORE_LIMITS } from './store-records.js';
import type { DeviceInfo } from './device-label.js';

export { deviceLabel, sessionLabel, type DeviceInfo } from './device-label.js';

/** Turns a User-Agent string into {@link DeviceInfo}; a parser that throws leaves the device unknown. */
export type DeviceParser = (userAgent: string) => DeviceInfo;

/** Longest User-Agent kept in the store or handed to a parser. */
export const MAX_USER_AGENT_LENGTH = STORE_LIMITS.userAgentLength;

// ua-parser-js names a few mobile browsers differently from how people name them. An app's WebView and headless Chrome keep
// names of their own: each has its own cookies, so it is another device beside the phone's or computer's Chrome, never its replacement.
const BROWSER_NAMES: Readonly<Record<string, string>> = {
  'Mobile Safari': 'Safari',
  'Mobile Chrome': 'Chrome',
  'Mobile Firefox': 'Firefox',
  'Chrome Headless': 'Headless Chrome',
  'Chrome WebView': 'Android WebView',
  'Samsung Browser': 'Samsung Internet',
};
const OS_NAMES: Readonly<Record<string, string>> = { 'Chromium OS': 'ChromeOS', macOS: 'Mac OS' };
const MOBILE_OS = new Set(['iOS', 'Android']);
const DESKTOP_OS = new Set(['Mac OS', 'Windows', 'Linux', 'Ubuntu', 'Debian', 'Fedora', 'ChromeOS', 'FreeBSD']);

/** The default {@link DeviceParser}, over ua-parser-js 1.0.x: each part undefined when not recognised. */
export const uaParserDeviceParser: DeviceParser = (userAgent) => {
  const known = PARSED.get(userAgent);
  if (known !== undefined) return known;
  const parsed = parseWithUaParser(userAgent);
  if (PARSED.size >= PARSED_CAPACITY) PARSED.delete(PARSED.keys().next().value!);
  PARSED.set(userAgent, parsed);
  return parsed;
};

const PARSED_CAPACITY = 1_000;
const PARSED = new Map<string, DeviceInfo>();

function parseWithUaParser(userAgent: string): DeviceInfo {
  const result = new UAParser(userAgent).getResult();
  const browser = normaliseName(result.browser.name, BROWSER_NAMES);
  const os = normaliseName(result.os.name, OS_NAMES);
  let deviceType: string | undefined = result.device.type;
  if (deviceType === undefined && os !== undefined) deviceType = MOBILE_OS.has(os) ? 'mobile' : DESKTOP_OS.has(os) ? 'desktop' : undefined;
  return Object.freeze({ browser, os, deviceType });
}

const normaliseName = (name: string | undefined, renames: Readonly<Record<string, string>>): string | undefined => (name ? (renames[name] ?? name) : undefined);

/** Device fields the manager stores for a new session. */
export interface DeviceFields extends DeviceInfo {
  readonly deviceKey?: string | undefined;
  readonly userAgent?: string | undefined;
}

/** Parses and caps a User-Agent for storage; anything odd is an unknown device with no deviceKey. */
export function describeDevice(userAgent: unknown, parser: DeviceParser): DeviceFields {
  if (typeof userAgent !== 'string') return {};
  // Printable ASCII only: no control characters into an HTML page or a log line.
  const capped = userAgent.slice(0, MAX_USER_AGENT_LENGTH).replace(/[^\x20-\x7e]/g, '').trim();
  if (capped.length === 0) return {};
  let info: DeviceInfo;
  try {
    info = parser(capped);
  } catch {
    info = {};
  }
  const browser = cleanName(info.browser);
  const os = cleanName(info.os);
  const deviceType = cleanName(info.deviceType);
  return { browser, os, deviceType, deviceKey: browser !== undefined && os !== undefined ? `${browser}|${os}` : undefined, userAgent: capped };
}

function cleanName(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().slice(0, 64);
  return trimmed.length > 0 ? trimmed : undefined;
}
