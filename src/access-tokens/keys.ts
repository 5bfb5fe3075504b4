import { createHash, KeyObject } from 'node:crypto';
import { exportJWK, importJWK, type CryptoKey, type JWK } from 'jose';
import { invalidConfiguration } from '../option-checks.js';

/** Signing algorithms accepted. `none` and every other algorithm are refused. */
export type AccessTokenAlgorithm = 'HS256' | 'EdDSA' | 'ES256';

/** Key material jose accepts: a WebCrypto key, a Node KeyObject or a JWK. */
export type KeyLike = CryptoKey | KeyObject | JWK;

/** One key of a rotation list: HS256 a `secret`; EdDSA and ES256 a `publicKey` and, to sign, a `privateKey`. */
export interface AccessTokenKey {
  /** Key id put in the `kid` header. @default derived from the key */
  readonly kid?: string;
  /** The algorithm this key signs and verifies with. */
  readonly alg: AccessTokenAlgorithm;
  /** HS256 shared secret, at least 32 bytes. */
  readonly secret?: string | Uint8Array;
  /** EdDSA / ES256 private key; only on the service that issues tokens. */
  readonly privateKey?: KeyLike;
  /** EdDSA / ES256 public key. */
  readonly publicKey?: KeyLike;
}

/** A key ready for jose. */
export interface ResolvedKey {
  readonly kid: string;
  readonly alg: AccessTokenAlgorithm;
  readonly signingKey: CryptoKey | KeyObject | Uint8Array | undefined;
  readonly verificationKey: CryptoKey | KeyObject | Uint8Array;
  readonly publicJwk: JWK | undefined;
}

const ALGORITHMS = new Set<AccessTokenAlgorithm>(['HS256', 'EdDSA', 'ES256']);
// The one curve each asymmetric algorithm signs on (jose's EdDSA is Ed25519 only).
const CURVES = { EdDSA: 'Ed25519', ES256: 'P-256' } as const;
const NODE_CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const MIN_SECRET_BYTES = 32;

/** Synchronous shape checks, so bad configuration fails at startup, not on first use. */
export function checkKeys(keys: readonly AccessTokenKey[]): void {
  if (keys.length === 0) throw invalidConfiguration('accessTokens needs a secret, a key pair or a non-empty keys list.');
  const kids = new Set<string>();
  for (const key of keys) {
    if (!ALGORITHMS.has(key.alg)) throw invalidConfiguration(`Access-token algorithm "${String(key.alg)}" is not allowed (HS256, EdDSA, ES256).`);
    if (key.alg === 'HS256') {
      if (key.secret === undefined) throw invalidConfiguration('An HS256 access-token key needs a secret.');
      if (secretBytes(key.secret).byteLength < MIN_SECRET_BYTES) throw invalidConfiguration(`The HS256 access-token secret must be at least ${MIN_SECRET_BYTES} bytes.`);
      if (key.privateKey !== undefined || key.publicKey !== undefined) throw invalidConfiguration('An HS256 key takes a secret, not a key pair.');
    } else {
      if (key.secret !== undefined) throw invalidConfiguration(`An ${key.alg} key takes a key pair, not a secret.`);
      if (key.publicKey === undefined) throw invalidConfiguration(`An ${key.alg} access-token key needs a publicKey.`);
      checkCurve(key.alg, 'publicKey', key.publicKey);
      if (key.privateKey !== undefined) checkCurve(key.alg, 'privateKey', key.privateKey);
    }
    if (key.kid !== undefined) {
      if (kids.has(key.kid)) throw invalidConfiguration(`Two access-token keys share kid "${key.kid}".`);
      kids.add(key.kid);
    }
  }
}

// A key of another curve would fail every signature and verification, long after startup.
function checkCurve(alg: 'EdDSA' | 'ES256', name: string, key: KeyLike): void {
  const found = curveOf(key);
  if (found === undefined || found === CURVES[alg]) return;
  const other = alg === 'EdDSA' ? 'ES256' : 'EdDSA';
  throw invalidConfiguration(`The ${alg} ${name} is a key of ${found}, not ${CURVES[alg]}${found === CURVES[other] ? ` (alg "${other}" takes it)` : ''}.`);
}

// The curve (or key type) of an asymmetric key, in JWK names; `undefined` for a secret, which resolveKey refuses by name.
function curveOf(key: KeyLike): string | undefined {
  if (key instanceof KeyObject) {
    if (key.type === 'secret') return undefined;
    const type = key.asymmetricKeyType ?? 'unknown';
    if (type === 'ed25519') return 'Ed25519';
    if (type !== 'ec') return type;
    const curve = key.asymmetricKeyDetails?.namedCurve ?? 'unknown';
    return NODE_CURVES[curve] ?? curve;
  }
  if ('kty' in key) return key.kty === 'oct' ? undefined : (key.crv ?? key.kty);
  // A CryptoKey (checkKey let only these through): an ECDH key cannot sign, whatever its curve.
  const { name, namedCurve } = (key as CryptoKey).algorithm as { readonly name: string; readonly namedCurve?: string };
  return name === 'ECDSA' ? (namedCurve ?? name) : name;
}

/** Imports one checked key for jose. */
export async function resolveKey(key: AccessTokenKey): Promise<ResolvedKey> {
  if (key.alg === 'HS256') {
    const secret = secretBytes(key.secret!);
    return {
      kid: key.kid ?? `hs-${createHash('sha256').update(secret).digest('base64url').slice(0, 16)}`,
      alg: 'HS256',
      signingKey: secret,
      verificationKey: secret,
      publicJwk: undefined,
    };
  }
  const publicKey = await importKey(key.publicKey!, key.alg);
  // Stryker disable next-line ConditionalExpression: importKey hands undefined back unchanged
  const signingKey = key.privateKey === undefined ? undefined : await importKey(key.privateKey, key.alg);
  let jwk: JWK;
  try {
    jwk = await exportJWK(publicKey);
  } catch {
    // A non-extractable CryptoKey (a private JWK imported as the public key) cannot be read.
    throw invalidConfiguration(`The ${key.alg} publicKey cannot be exported as a public JWK.`);
  }
  if ('d' in jwk || 'k' in jwk) throw invalidConfiguration(`The ${key.alg} publicKey is a ${'d' in jwk ? 'private' : 'secret'} key.`);
  const kid = key.kid ?? `${key.alg.toLowerCase()}-${createHash('sha256').update(JSON.stringify([jwk.crv, jwk.x, jwk.y])).digest('base64url').slice(0, 16)}`;
  return { kid, alg: key.alg, signingKey, verificationKey: publicKey, publicJwk: { ...jwk, kid, alg: key.alg, use: 'sig' } };
}

async function importKey(key: KeyLike, alg: AccessTokenAlgorithm): Promise<CryptoKey | KeyObject> {
  // Stryker disable next-line ConditionalExpression: a KeyObject has no `kty` either; this reads plainer
  if (key instanceof KeyObject) return key;
  // A KeyLike is an object: a CryptoKey has no `kty`, a JWK always has one.
  return 'kty' in key ? ((await importJWK(key, alg)) as CryptoKey) : (key as CryptoKey);
}

const secretBytes = (secret: string | Uint8Array): Uint8Array => (typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);
