import { checkProviderUrl } from '../federated/provider-url.js';
import { callable, invalidConfiguration, optionsObject, text } from '../option-checks.js';
import type { GlobalTokenRevocationIssuer, GlobalTokenRevocationOptions } from './api.js';

const NAME = 'The session routes option globalTokenRevocation';

/**
 * Checks the `globalTokenRevocation` option once, when the routes are created: it decides whose
 * requests can sign users out.
 *
 * @param value - What the app passed.
 * @returns The options, each issuer checked.
 * @throws {@link session-revocation!SessionError} `INVALID_CONFIGURATION` for an unknown option,
 * no issuers, an issuer or `jwksUri` that is not https (plain http off the loopback), an empty
 * `audience` or a missing `resolveSubject`.
 */
export function checkGlobalTokenRevocationOptions(value: unknown): GlobalTokenRevocationOptions {
  const options = optionsObject<GlobalTokenRevocationOptions>(NAME, value as GlobalTokenRevocationOptions, ['issuers', 'resolveSubject']);
  const { issuers } = options;
  if (!Array.isArray(issuers) || issuers.length === 0) throw invalidConfiguration(`${NAME}: issuers must be a non-empty list of { issuer, jwksUri?, audience? }.`);
  const checked = (issuers as unknown[]).map((entry): GlobalTokenRevocationIssuer => {
    const { issuer, jwksUri, audience } = optionsObject<GlobalTokenRevocationIssuer>(`${NAME}: each issuer`, entry as GlobalTokenRevocationIssuer, ['issuer', 'jwksUri', 'audience']);
    checkProviderUrl(issuer, `${NAME}: issuer`);
    // It names who acted in each revocation (`by`), which holds an id's length.
    text(`${NAME}: issuer`, issuer, undefined, 256);
    if (jwksUri !== undefined) checkProviderUrl(jwksUri, `${NAME}: jwksUri`);
    return { issuer, jwksUri, audience: text(`${NAME}: audience`, audience, undefined) };
  });
  // One issuer, one entry: its keys and audience would otherwise be ambiguous.
  const twice = checked.find((entry, index) => checked.findIndex((other) => other.issuer === entry.issuer) !== index);
  if (twice !== undefined) throw invalidConfiguration(`${NAME}: issuer ${twice.issuer} is listed twice.`);
  const resolveSubject = callable<GlobalTokenRevocationOptions['resolveSubject'], undefined>(`${NAME}: resolveSubject`, options.resolveSubject, undefined);
  if (resolveSubject === undefined) throw invalidConfiguration(`${NAME}: resolveSubject is required (it turns the request's email or iss_sub into a user id).`);
  return { issuers: checked, resolveSubject };
}
