import { SessionError } from '../errors.js';
import { algorithmsProblem } from '../federated/logout-token.js';
import { checkActingIssuer, checkProviderEntries, issuerListedTwice } from '../federated/provider-url.js';
import { callable, optionsObject } from '../option-checks.js';
import type { SecurityEventOptions, SecurityEventTransmitter } from './api.js';

const TRANSMITTER_OPTIONS = ['issuer', 'audience', 'jwksUri', 'algorithms', 'authorization', 'resolveSubject', 'resolveTenant'];

function invalid(what: string, message: string): SessionError {
  return new SessionError('INVALID_CONFIGURATION', `${what}: ${message}`);
}

/** Checks a transmitter list at each call; `what` names the caller in messages. */
export function checkTransmitters(transmitters: unknown, what: string): readonly SecurityEventTransmitter[] {
  const checked = checkProviderEntries<SecurityEventTransmitter>(what, transmitters, TRANSMITTER_OPTIONS, '{ issuer, audience }', 'transmitters');
  const twice = issuerListedTwice(checked);
  if (twice !== undefined) throw invalid(what, `issuer ${twice.issuer} is listed twice (with or without its trailing /, it is one issuer): give one transmitter with a list of audiences.`);
  for (const { issuer, audience, algorithms, authorization, resolveSubject, resolveTenant } of checked) {
    checkActingIssuer(`${what}: issuer`, issuer);
    const audiences: readonly unknown[] = typeof audience === 'string' ? [audience] : Array.isArray(audience) ? audience : [];
    if (audiences.length === 0 || !audiences.every((value) => typeof value === 'string' && value.length > 0)) {
      throw invalid(what, 'audience must be a non-empty string or a non-empty list of them.');
    }
    const problem = algorithmsProblem(algorithms, 'a transmitter');
    if (problem !== undefined) throw invalid(what, problem);
    if (authorization !== undefined && (typeof authorization !== 'string' || authorization.length === 0)) throw invalid(what, 'authorization must be a non-empty string.');
    if (resolveSubject !== undefined && typeof resolveSubject !== 'function') throw invalid(what, 'resolveSubject must be a function.');
    if (resolveTenant !== undefined && typeof resolveTenant !== 'function') throw invalid(what, 'resolveTenant must be a function.');
  }
  return checked;
}

/** Checks the options of `securityEvent()`. */
export function checkSecurityEventOptions(value: unknown): Required<Pick<SecurityEventOptions, 'transmitters'>> & Pick<SecurityEventOptions, 'onRefused'> {
  const what = 'securityEvent()';
  if (value === undefined) throw invalid(what, 'options { transmitters } are required.');
  const { transmitters, onRefused } = optionsObject(`${what} options`, value as SecurityEventOptions, ['transmitters', 'onRefused']);
  return { transmitters: checkTransmitters(transmitters, what), onRefused: callable<NonNullable<SecurityEventOptions['onRefused']>, undefined>(`${what}: onRefused`, onRefused, undefined) };
}
