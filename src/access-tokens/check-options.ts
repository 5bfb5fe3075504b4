import { KeyObject } from 'node:crypto';
import { integer, invalidConfiguration, isObject, optionsObject, text } from '../option-checks.js';
import type { AccessTokenOptions } from './index.js';

const OPTIONS = ['secret', 'privateKey', 'publicKey', 'alg', 'keys', 'ttl', 'maxTtl', 'issuer', 'audience', 'clockTolerance', 'verifiedCacheSize'];
const KEY_OPTIONS = ['kid', 'alg', 'secret', 'privateKey', 'publicKey'];

// A KeyObject, a WebCrypto CryptoKey or a JWK object: never a PEM string or a number here.
function checkKey(name: string, value: unknown): void {
  if (value === undefined || value instanceof KeyObject) return;
  if (!isObject(value)) {
    throw invalidConfiguration(`${name} must be a KeyObject, a CryptoKey or a JWK object (use crypto.createPrivateKey / createPublicKey for PEM text).`);
  }
  const candidate = value as { readonly kty?: unknown; readonly type?: unknown; readonly algorithm?: unknown };
  if (typeof candidate.kty !== 'string' && !(typeof candidate.type === 'string' && typeof candidate.algorithm === 'object')) {
    throw invalidConfiguration(`${name} must be a KeyObject, a CryptoKey or a JWK object (got an object that is none of them).`);
  }
}

// The key material of the option itself (shorthand) or of one of its keys.
function checkMaterial(name: string, { secret, privateKey, publicKey }: { readonly secret?: unknown; readonly privateKey?: unknown; readonly publicKey?: unknown }): void {
  if (secret !== undefined && typeof secret !== 'string' && !(secret instanceof Uint8Array)) throw invalidConfiguration(`${name}.secret must be a string or a Uint8Array of at least 32 bytes.`);
  checkKey(`${name}.privateKey`, privateKey);
  checkKey(`${name}.publicKey`, publicKey);
}

/** Checks the `accessTokens` option's keys and key types at startup, never on first use (`INVALID_CONFIGURATION`). */
export function checkAccessTokenOptions(value: AccessTokenOptions): void {
  const options = optionsObject('accessTokens', value, OPTIONS);
  checkMaterial('accessTokens', options);
  if (options.keys !== undefined) {
    if (!Array.isArray(options.keys)) throw invalidConfiguration('accessTokens.keys must be a list of keys, newest first.');
    options.keys.forEach((key: unknown, index: number) => {
      const name = `accessTokens.keys[${index}]`;
      const checked = optionsObject(name, key as Record<string, unknown>, KEY_OPTIONS);
      text(`${name}.kid`, checked['kid'], undefined, 256);
      checkMaterial(name, checked);
    });
  }
  integer('accessTokens.verifiedCacheSize', options.verifiedCacheSize, 0, { min: 0 });
  text('accessTokens.issuer', options.issuer, undefined);
  text('accessTokens.audience', options.audience, undefined);
}
