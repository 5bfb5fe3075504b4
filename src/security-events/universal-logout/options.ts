import { checkActingIssuer, checkProviderEntries, issuerListedTwice } from '../../federated/provider-url.js';
import { callable, invalidConfiguration, optionsObject, text } from '../../option-checks.js';
import type { GlobalTokenRevocationIssuer, GlobalTokenRevocationOptions, GlobalTokenRevocationRequestOptions } from './api.js';

const ROUTES_OPTION = 'The session routes option globalTokenRevocation';
const CALL_OPTIONS = 'globalTokenRevocation() options';

/** Checks the routes' `globalTokenRevocation` option when the routes are created, every issuer with its `audience` (`INVALID_CONFIGURATION`). */
export function checkGlobalTokenRevocationOptions(value: unknown): GlobalTokenRevocationOptions {
  const options = checkOptions(ROUTES_OPTION, value, []);
  // Without it the audience could only come from the request's Host, which the sender chooses.
  const unnamed = options.issuers.find((issuer) => issuer.audience === undefined);
  if (unnamed !== undefined) throw invalidConfiguration(`${ROUTES_OPTION}: issuer ${unnamed.issuer} needs its audience, the endpoint's URL as the provider addresses it.`);
  return options;
}

/** Checks the options of `sessions.globalTokenRevocation()` at each call. */
export function checkGlobalTokenRevocationRequestOptions(value: unknown): GlobalTokenRevocationRequestOptions {
  const options = checkOptions(CALL_OPTIONS, value, ['endpointUrl']);
  const { endpointUrl } = value as GlobalTokenRevocationRequestOptions;
  if (endpointUrl !== undefined && typeof endpointUrl !== 'string') throw invalidConfiguration(`${CALL_OPTIONS}: endpointUrl must be a URL.`);
  return { ...options, endpointUrl };
}

function checkOptions(name: string, value: unknown, more: readonly string[]): GlobalTokenRevocationOptions {
  const options = optionsObject<GlobalTokenRevocationOptions>(name, value as GlobalTokenRevocationOptions, ['issuers', 'resolveSubject', ...more]);
  const checked = checkProviderEntries<GlobalTokenRevocationIssuer>(name, options.issuers, ['issuer', 'jwksUri', 'audience'], '{ issuer, jwksUri?, audience? }').map(({ issuer, jwksUri, audience }) => {
    checkActingIssuer(`${name}: issuer`, issuer);
    return { issuer, jwksUri, audience: text(`${name}: audience`, audience, undefined) };
  });
  // One issuer, one entry: its keys and audience would otherwise be ambiguous.
  const twice = issuerListedTwice(checked);
  if (twice !== undefined) throw invalidConfiguration(`${name}: issuer ${twice.issuer} is listed twice (with or without its trailing /, it is one issuer).`);
  const resolveSubject = callable<GlobalTokenRevocationOptions['resolveSubject'], undefined>(`${name}: resolveSubject`, options.resolveSubject, undefined);
  if (resolveSubject === undefined) throw invalidConfiguration(`${name}: resolveSubject is required (it turns the request's email or iss_sub into a user id).`);
  return { issuers: checked, resolveSubject };
}
