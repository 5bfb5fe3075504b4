// Access-token verifications per second for one re-presented token (memory store, default
// 1 s epoch cache, so the cache is warm), with the verified-signature cache (warm) and
// without it (verifiedCacheSize: 0, every call verifies the signature: cold), beside jose's
// bare jwtVerify of the same token with the same key. One call at a time; per second of
// wall-clock time and per second of CPU time (see lib/load.mjs).
//   node test/bench/inproc/tokens.mjs <seconds>
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { DIST } from '../lib/build.mjs';
import { report } from '../lib/child.mjs';
import { throughput } from '../lib/load.mjs';

const seconds = Number(process.argv[2] ?? 2);
const { createSessionManager, memoryStore, ACCESS_TOKEN_TYPE } = await import(join(DIST, 'index.js'));

const secret = randomBytes(32);
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const setups = {
  HS256: { options: { secret }, key: secret },
  EdDSA: { options: { privateKey, publicKey, alg: 'EdDSA' }, key: publicKey },
};

const results = {};
for (const [alg, { options, key }] of Object.entries(setups)) {
  const store = memoryStore();
  const warm = createSessionManager({ store, accessTokens: options });
  const cold = createSessionManager({ store, accessTokens: { ...options, verifiedCacheSize: 0 } });
  const { session } = await warm.create({ userId: 'token-user' });
  const jwt = await warm.issueAccessToken(session);
  const checked = async (manager) => {
    const result = await manager.verifyAccessToken(jwt);
    if (!result.ok) throw new Error(`a valid access token was refused (${result.reason})`);
  };
  const bare = async () => {
    await jwtVerify(jwt, key, { algorithms: [alg], typ: ACCESS_TOKEN_TYPE });
  };
  const measure = async (operation) => {
    await throughput(operation, { seconds: Math.min(1, seconds / 2) });
    return throughput(operation, { seconds });
  };
  results[alg] = {
    warm: await measure(() => checked(warm)),
    cold: await measure(() => checked(cold)),
    jose: await measure(bare),
  };
}
report(results);
