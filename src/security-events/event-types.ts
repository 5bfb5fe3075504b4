const CAEP = 'https://schemas.openid.net/secevent/caep/event-type/';
const RISC = 'https://schemas.openid.net/secevent/risc/event-type/';
const OAUTH = 'https://schemas.openid.net/secevent/oauth/event-type/';

/**
 * `session`: the provider session named, else the user's sessions (CAEP 1.0 section 3.1);
 * `credential`: the user's sessions as `onPasswordChange` says (CAEP 1.0 section 3.3);
 * `account`: every session of every kind (RISC 1.0 sections 2.2, 2.3, 2.5, 2.11);
 * `api_tokens`: the user's `api` sessions (OAuth Event Types 1.0 section 3.3).
 */
export type SecurityEventAction = 'session' | 'credential' | 'account' | 'api_tokens';

/** The action of each event type URI that ends sessions; other types end nothing. */
export const EVENT_ACTIONS: ReadonlyMap<string, SecurityEventAction> = new Map([
  [`${CAEP}session-revoked`, 'session'],
  [`${CAEP}credential-change`, 'credential'],
  [`${RISC}account-disabled`, 'account'],
  [`${RISC}account-purged`, 'account'],
  [`${RISC}identifier-changed`, 'account'],
  [`${RISC}sessions-revoked`, 'account'],
  [`${OAUTH}tokens-revoked`, 'api_tokens'],
]);

