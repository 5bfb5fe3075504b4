/**
 * The event types the receiver acts on (CAEP 1.0, RISC 1.0), requested when `--events` is not
 * given: a receiver should request only what it understands (SSF 1.0 "events_requested").
 */
export const ACTED_ON_EVENTS: readonly string[] = [
  'https://schemas.openid.net/secevent/caep/event-type/session-revoked',
  'https://schemas.openid.net/secevent/caep/event-type/credential-change',
  'https://schemas.openid.net/secevent/risc/event-type/account-disabled',
  'https://schemas.openid.net/secevent/risc/event-type/account-purged',
  'https://schemas.openid.net/secevent/risc/event-type/identifier-changed',
  'https://schemas.openid.net/secevent/risc/event-type/sessions-revoked',
  'https://schemas.openid.net/secevent/oauth/event-type/tokens-revoked',
];
