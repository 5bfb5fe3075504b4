import { KeyObject } from 'node:crypto';
import { integer, invalidConfiguration, optionsObject, text } from '../option-checks.js';
import type { AccessTokenOptions } from './index.js';

const OPTIONS = ['secret', 'privateKey', 'publicKey', 'alg', 'keys', 'ttl', 'maxTtl', 'issuer', 'audience', 'clockTolerance', 'verifiedCacheSize'];
const KEY_OPTIONS = ['kid', 'alg', 'secret', 'privateKey', 'publicKey'];

function checkSecret(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw invalidConfiguration(`${name} must be a string or a Uint8Array of at least 32 bytes.`);
  }
}

// A KeyObject, a WebCrypto CryptoKey or a JWK object: never a PEM string or a number here.
function checkKey(name: string, value: unknown): void {
  if (value === undefined || value instanceof KeyObject) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidConfiguration(`${name} must be a KeyObject, a CryptoKey or a JWK object (use crypto.createPrivateKey / createPublicKey for PEM text).`);
  }
  const candidate = value as { readonly kty?: unknown; readonly type?: unknown; readonly algorithm?: unknown };
  if (typeof candidate.kty !== 'string' && !(typeof candidate.type === 'string' && typeof candidate.algorithm === 'object')) {
    throw invalidConfiguration(`${name} must be a KeyObject, a CryptoKey or a JWK object (got an object that is none of them).`);
  }
}

/** Checks the `accessTokens` option's keys and key types at startup, never on first use (`INVALID_CONFIGURATION`). */
export function checkAccessTokenOptions(value: AccessTokenOptions): void {
  const options = optionsObject('accessTokens', value, OPTIONS);
  checkSecret('accessTokens.secret', options.secret);
  checkKey('accessTokens.privateKey', options.privateKey);
  checkKey('accessTokens.publicKey', options.publicKey);
  if (options.keys !== undefined) {
    if (!Array.isArray(options.keys)) throw invalidConfiguration('accessTokens.keys must be a list of keys, newest first.');
    options.keys.forEach((key: unknown, index: number) => {
      const name = `accessTokens.keys[${index}]`;
      const checked = optionsObject(name, key as Record<string, unknown>, KEY_OPTIONS);
      text(`${name}.kid`, checked['kid'], undefined, 256);
      checkSecret(`${name}.secret`, checked['secret']);
      checkKey(`${name}.privateKey`, checked['privateKey']);
      checkKey(`${name}.publicKey`, checked['publicKey']);
    });
  }
  integer('accessTokens.verifiedCacheSize', options.verifiedCacheSize, 0, { min: 0 });
  text('accessTokens.issuer', options.issuer, undefined);
  text('accessTokens.audience', options.audience, undefined);
}
