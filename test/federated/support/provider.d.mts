import type { CryptoKey } from 'jose';
import type Provider from 'oidc-provider';

/** One relying party the provider knows: an app on 127.0.0.1. */
export interface RegisteredApp {
  readonly clientId: string;
  readonly appUrl: string;
}

/** What the provider answered for one back-channel logout it sent. */
export type Delivery = { readonly ok: true; readonly sid: string } | { readonly ok: false; readonly error: unknown };

export interface TestProvider {
  readonly issuer: string;
  readonly provider: Provider;
  /** The provider's signing key (RS256) and its kid, as configured in its JWKS. */
  readonly signingKey: { readonly key: CryptoKey; readonly kid: string };
  /** Every `logout_token` the provider POSTed to an app's back-channel logout URI, as sent. */
  readonly sentLogoutTokens: string[];
  /** The next back-channel logout to `clientId`, success or error; rejects after `timeoutMs`. */
  nextDelivery(clientId: string, timeoutMs?: number): Promise<Delivery>;
  close(): Promise<void>;
}

/** The provider's server, listening before the apps exist (they need its issuer URL). */
export function reserveProvider(): Promise<{ issuer: string; start(apps: readonly RegisteredApp[]): Promise<TestProvider> }>;
