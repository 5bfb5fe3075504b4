import { actOnce } from '../core/claim-once.js';
import { callBack } from '../events.js';
import { callable, duration, invalidConfiguration, optionsObject } from '../option-checks.js';
import type { Lifecycle } from '../core/lifecycle.js';
import type { ManagerContext } from '../core/context.js';
import type { BackchannelIssuer, BackchannelLogoutOptions, BackchannelLogoutResult, BackchannelRefusalReport } from './api.js';
import type { IssuerKeys } from './keys.js';
import { findLinks } from './links.js';
import { checkProviderEntries } from './provider-url.js';
import { algorithmsProblem, checkLogoutToken, type LogoutClaims } from './logout-token.js';
import type { FederatedLink } from '../storage/types.js';

const DEFAULT_MAX_TOKEN_AGE = 5 * 60_000;
const NAME = 'backchannelLogout()';

/** Checks the options once per call: they decide whose tokens can sign users out. */
export function checkBackchannelOptions(value: unknown) {
  if (value === undefined) throw invalidConfiguration(`${NAME}: options { issuers } are required.`);
  const options = optionsObject(`${NAME} options`, value as BackchannelLogoutOptions, ['issuers', 'maxTokenAge', 'onRefused']);
  const issuers = checkProviderEntries<BackchannelIssuer>(NAME, options.issuers, ['issuer', 'clientId', 'jwksUri', 'algorithms'], '{ issuer, clientId }');
  for (const { issuer, clientId, jwksUri, algorithms } of issuers) {
    if (typeof clientId !== 'string' || clientId.length === 0) throw invalidConfiguration(`${NAME}: clientId must be a non-empty string.`);
    const problem = algorithmsProblem(algorithms, 'a provider');
    if (problem !== undefined) throw invalidConfiguration(`${NAME}: ${problem}`);
    // One issuer, one key set: its entries differ only by client id.
    const first = issuers.find((other) => other.issuer === issuer)!;
    if (first.jwksUri !== jwksUri || JSON.stringify(first.algorithms) !== JSON.stringify(algorithms)) {
      throw invalidConfiguration(`${NAME}: the entries of issuer ${issuer} must give the same jwksUri and algorithms (one per client id).`);
    }
  }
  return {
    issuers,
    maxTokenAge: duration(`${NAME}: maxTokenAge`, options.maxTokenAge, DEFAULT_MAX_TOKEN_AGE, { min: 1_000, max: 60 * 60_000 }),
    onRefused: callable<NonNullable<BackchannelLogoutOptions['onRefused']>, undefined>(`${NAME}: onRefused`, options.onRefused, undefined),
  };
}

// The links a token names (section 2.7), matched exactly; with `sid` and `sub`, the user's links without a sid too (nothing tells them apart).
async function linksNamed(context: ManagerContext, { iss, sid, sub }: LogoutClaims): Promise<FederatedLink[]> {
  const ofSession = sid === undefined ? [] : (await findLinks(context, { by: 'sid', iss, sid })).filter((link) => link.iss === iss && link.sid === sid);
  const ofUser = sub === undefined ? [] : (await findLinks(context, { by: 'sub', iss, sub })).filter((link) => link.iss === iss && link.sub === sub && (sid === undefined || link.sid === undefined));
  return [...ofSession, ...ofUser];
}

/** Checks a logout token, then ends what it names unless a delivery of it finished before, across instances ({@link actOnce}). */
export async function backchannelLogout(context: ManagerContext, lifecycle: Lifecycle, keys: IssuerKeys, token: unknown, options: BackchannelLogoutOptions): Promise<BackchannelLogoutResult> {
  context.ensureOpen();
  const { issuers, maxTokenAge, onRefused } = checkBackchannelOptions(options);
  const refused = (refusal: BackchannelRefusalReport): BackchannelLogoutResult => {
    callBack(onRefused, refusal, context.config.onError);
    return { ok: false, reason: refusal.reason };
  };
  const checked = await checkLogoutToken(token, { issuers, maxTokenAge, now: context.config.clock(), keys });
  if (!checked.ok) return refused(checked.refusal);
  const { iss, jti, acceptableUntil } = checked.claims;
  const endNamed = async (): Promise<BackchannelLogoutResult> => ({ ok: true, issuer: iss, revokedIds: await lifecycle.revokeLinked(await linksNamed(context, checked.claims), { reason: 'idp_logout' }) });
  return actOnce(context, { scope: 'logout_token', issuer: iss, id: jti, until: acceptableUntil }, endNamed, () => refused({ reason: 'replayed', issuer: iss }));
}

