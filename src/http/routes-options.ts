import { checkBackchannelOptions } from '../federated/backchannel.js';
import { checkSecurityEventOptions } from '../security-events/options.js';
import { checkGlobalTokenRevocationOptions } from '../security-events/universal-logout/options.js';
import { boolean, integer, invalidConfiguration as invalid, optionsObject } from '../option-checks.js';
import { isSafePath } from './next-path.js';
import type { LiveEventsOptions, ResolvedLiveEventsOptions, SessionRoutesOptions } from './options.js';

/** Checks the routes' options, `undefined` for a route that is off; throws `INVALID_CONFIGURATION`. */
export function resolveRoutesOptions(input: SessionRoutesOptions = {}) {
  const options = optionsObject('The session routes options', input, ROUTES_OPTIONS);
  const requireFresh = options.requireFresh === undefined ? undefined : integer('requireFresh (ms)', options.requireFresh, 0, { min: 1 });
  const revocationLinks = boolean('revocationLinks', options.revocationLinks, false);
  const backchannelLogout = options.backchannelLogout === undefined ? undefined : checkBackchannelOptions(options.backchannelLogout);
  const globalTokenRevocation = options.globalTokenRevocation === undefined ? undefined : checkGlobalTokenRevocationOptions(options.globalTokenRevocation);
  const securityEvents = options.securityEvents === undefined ? undefined : checkSecurityEventOptions(options.securityEvents);
  const prefix = resolveRoutePrefix(options.prefix ?? undefined);
  return { prefix, requireFresh, revocationLinks, events: resolveEventsOptions(options.events), backchannelLogout, globalTokenRevocation, securityEvents };
}

const ROUTES_OPTIONS = ['prefix', 'requireFresh', 'revocationLinks', 'events', 'backchannelLogout', 'globalTokenRevocation', 'securityEvents'];
const EVENTS_OPTIONS = ['heartbeat', 'maxPerUser', 'pollInterval'];

function resolveEventsOptions(value: unknown): ResolvedLiveEventsOptions | undefined {
  if (value === undefined || value === false) return undefined;
  const options = optionsObject<LiveEventsOptions>('The session routes option events', value === true ? {} : (value as LiveEventsOptions), EVENTS_OPTIONS);
  return {
    heartbeat: integer('events.heartbeat (ms)', options.heartbeat, 25_000, { min: 10, max: 3_600_000 }),
    maxPerUser: integer('events.maxPerUser', options.maxPerUser, 5, { min: 1, max: 1_000 }),
    pollInterval: integer('events.pollInterval (ms)', options.pollInterval, 5_000, { min: 10, max: 3_600_000 }),
  };
}

/** Checks the routes' prefix: a same-origin path other than `/`, without query; a trailing slash is dropped. */
export function resolveRoutePrefix(prefix: unknown = '/sessions'): string {
  const trimmed = typeof prefix === 'string' && prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (typeof trimmed !== 'string' || trimmed === '/' || !isSafePath(trimmed) || /[?#%]/.test(trimmed)) {
    throw invalid(`The session routes prefix must be a path such as "/sessions", without query (got ${JSON.stringify(prefix)}).`);
  }
  return trimmed;
}
