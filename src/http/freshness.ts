import { integer, optionsObject } from '../option-checks.js';
import type { RequestState } from './request-state.js';

/** Options of `requireFresh`. */
export interface RequireFreshOptions {
  /**
   * How recently (ms) the user must have proved who they are on this session (sign-in or
   * `reauthenticated()`). @default the manager's `freshAge` (10 minutes)
   */
  readonly maxAge?: number;
}

/**
 * Checks `requireFresh` options once, when the guard is built.
 * @param caller - Named in the error, e.g. `"requireFresh()"`.
 * @returns The checked `maxAge`, `undefined` for the manager's `freshAge`.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option or a bad `maxAge`.
 */
export function freshMaxAge(options: RequireFreshOptions | undefined, caller: string): number | undefined {
  const checked = optionsObject(`${caller} options`, options, ['maxAge']);
  return checked.maxAge === undefined ? undefined : integer(`${caller} maxAge (ms)`, checked.maxAge, 0, { min: 1 });
}

/** Whether the request's session (or access token) proved who it is within `maxAge`, default the manager's `freshAge`. */
export function isFreshRequest(state: RequestState, maxAge: number | undefined): boolean {
  const { auth, manager } = state;
  if (auth.status !== 'authenticated') return false;
  if (auth.session !== null) return manager.isFresh(auth.session, maxAge);
  const authTime = auth.claims?.auth_time;
  return authTime !== undefined && manager.isFresh({ authenticatedAt: authTime * 1000 }, maxAge);
}

