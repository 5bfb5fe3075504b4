import { boolean, duration, invalidConfiguration } from './option-checks.js';
import { DEFAULT_ROTATION_GRACE } from './rotation/index.js';

/** Per-kind settings. */
export interface KindOptions {
  /** Absolute lifetime in ms, at most 100 years. @default the manager's `maxAge` */
  readonly maxAge?: number;
  /** Idle timeout in ms, 0 for none. @default the manager's `idleTimeout` */
  readonly idleTimeout?: number;
  /** Whether a new session replaces the older one of the same browser + OS and `tenantId`. @default true, except for `api` */
  readonly replaceDevice?: boolean;
  /**
   * A live token older than this (ms, since its sign-in or last rotation) gets a new secret on use (`rotatedToken`); the retired one presented after
   * `rotationGrace` ends the session (`token_reused`). 0 never rotates. Cookie kinds only. @default 0
   */
  readonly rotateAfter?: number;
  /** How long (ms) after a rotation the retired token still works and gets the same new one (parallel requests, two tabs). From 1 s to half of `rotateAfter`. @default 60_000 */
  readonly rotationGrace?: number;
}

/** The names {@link KindOptions} may have. */
export const KIND_OPTIONS = ['maxAge', 'idleTimeout', 'replaceDevice', 'rotateAfter', 'rotationGrace'];

/** The longest `maxAge` (ms), 100 years: a later expiry is no whole number of ms some stores keep (MySQL, Redis). */
export const MAX_SESSION_AGE = 100 * 365 * 86_400_000;

/** One kind's settings with defaults, checked; `defaults` (the manager's `maxAge` and `idleTimeout`) already are. */
export function resolveKind(kind: string, own: KindOptions, defaults: { readonly maxAge: number; readonly idleTimeout: number }): Required<KindOptions> {
  const name = `kinds.${kind}`;
  const rotateAfter = duration(`${name}.rotateAfter`, own.rotateAfter, 0, { min: 0 });
  const rotationGrace = duration(`${name}.rotationGrace`, own.rotationGrace, DEFAULT_ROTATION_GRACE, { min: 0 });
  if (rotateAfter > 0 && kind === 'api') throw invalidConfiguration(`${name}.rotateAfter: api tokens are bearer tokens, whose holders never receive a rotated one; rotate cookie kinds only.`);
  if (rotateAfter > 0 && kind === 'impersonation') throw invalidConfiguration(`${name}.rotateAfter: support sessions are not rotated (impersonate() gives them an hour by default, a day at most).`);
  // Under a second a browser's own parallel requests are reuse; over half of rotateAfter, on servers whose clocks differ, the next rotation can meet a request from before the last one, then reuse.
  if (rotateAfter > 0 && (rotationGrace < 1_000 || rotationGrace > rotateAfter / 2)) throw invalidConfiguration(`${name}.rotationGrace (${rotationGrace} ms) must be from 1,000 ms to half of ${name}.rotateAfter (${rotateAfter / 2} ms).`);
  return {
    maxAge: duration(`${name}.maxAge`, own.maxAge, defaults.maxAge, { min: 1, max: MAX_SESSION_AGE }),
    idleTimeout: duration(`${name}.idleTimeout`, own.idleTimeout, defaults.idleTimeout, { min: 0 }),
    replaceDevice: boolean(`${name}.replaceDevice`, own.replaceDevice, kind !== 'api' && kind !== 'impersonation'),
    rotateAfter,
    rotationGrace,
  };
}
