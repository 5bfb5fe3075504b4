import type { Interner } from './interner.js';

/**
 * The five device fields of a stored session in one frozen object. Sessions signed in from
 * the same browser share it: one pointer per row instead of five.
 */
export interface Device {
  readonly deviceKey: string | undefined;
  readonly browser: string | undefined;
  readonly os: string | undefined;
  readonly deviceType: string | undefined;
  readonly userAgent: string | undefined;
}

// The same User-Agent gives another tuple only under another parser or through direct store
// use; a few variants cover that, and the cap keeps the scan in `intern` short.
const MAX_VARIANTS = 4;

/**
 * Shares one {@link Device} per distinct tuple of the five fields, found by User-Agent. The
 * tuple, not the User-Agent alone, is the identity: the deviceKey and names come from a
 * pluggable parser, and a row must give back exactly what was stored.
 *
 * Bounded, so attacker-chosen User-Agents cannot grow it without limit: once full, new
 * tuples get an object of their own.
 */
export class DeviceTable {
  readonly #byUserAgent = new Map<string | undefined, Device[]>();
  readonly #strings: Interner;
  readonly #capacity: number;
  #size = 0;

  /**
   * @param strings - Interner for the field strings, so devices share "Chrome", "iOS"...
   * @param capacity - Most devices kept.
   */
  constructor(strings: Interner, capacity = 10_000) {
    this.#strings = strings;
    this.#capacity = capacity;
  }

  /** Devices kept, at most the capacity. */
  get size(): number {
    return this.#size;
  }

  /** The shared device equal to `input`, or a new one (kept when there is room). */
  intern(input: Partial<Device>): Device {
    const variants = this.#byUserAgent.get(input.userAgent);
    if (variants !== undefined) {
      for (const known of variants) if (sameDevice(known, input)) return known;
    }
    const device = this.#newDevice(input);
    if (this.#size < this.#capacity && (variants?.length ?? 0) < MAX_VARIANTS) {
      if (variants === undefined) this.#byUserAgent.set(device.userAgent, [device]);
      else variants.push(device);
      this.#size++;
    }
    return device;
  }

  #newDevice(input: Partial<Device>): Device {
    const strings = this.#strings;
    // Always the same property order, so every device has one hidden class and reads of
    // row.device.* stay monomorphic.
    return Object.freeze({
      deviceKey: strings.intern(input.deviceKey),
      browser: strings.intern(input.browser),
      os: strings.intern(input.os),
      deviceType: strings.intern(input.deviceType),
      userAgent: strings.intern(input.userAgent),
    });
  }
}

// The User-Agent already matched through the map key.
function sameDevice(known: Device, input: Partial<Device>): boolean {
  return (
    known.deviceKey === input.deviceKey &&
    known.browser === input.browser &&
    known.os === input.os &&
    known.deviceType === input.deviceType
  );
}
