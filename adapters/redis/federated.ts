import type { FederatedLink, FederatedQuery, FederatedStore } from '../../src/store-capabilities/federated.js';
import { list, numeric, text } from './codec.js';
import { defineScript } from './scripts/script.js';
import type { RunScript } from './scripts/run.js';

// Federated links and accepted logout tokens in Redis. Every key shares the hash tag `{~fed}`,
// so a Redis Cluster keeps them on one slot and each script reads and writes them at once.
// Key names are built inside the scripts from SHA-1 of length-prefixed texts: two different
// (issuer, id) pairs never share a key. Everything expires by itself with its session or its
// token's window, so there is nothing to prune.
//
//   <t>l:<sessionId>          hash: user, iss, sub, sid ('' for none), exp
//   <t>sid:<pair(iss, sid)>   sorted set of session ids by exp
//   <t>sub:<pair(iss, sub)>   idem
//   <t>u:<sha1(userId)>       idem
//   <t>j:<pair(iss, jti)>     a logout token accepted, until its window ends

const KEYS = `
local function pair(a, b) return redis.sha1hex(string.len(a) .. ':' .. a .. b) end
local function unindex(t, id)
  local link = t .. 'l:' .. id
  local old = redis.call('HMGET', link, 'user', 'iss', 'sub', 'sid')
  if not old[1] then return end
  redis.call('ZREM', t .. 'sub:' .. pair(old[2], old[3]), id)
  if old[4] ~= '' then redis.call('ZREM', t .. 'sid:' .. pair(old[2], old[4]), id) end
  redis.call('ZREM', t .. 'u:' .. redis.sha1hex(old[1]), id)
  redis.call('DEL', link)
end
`;

const saveScript = defineScript(
  'saveFederatedLink',
  `${KEYS}
local t, id, user, iss, sub, sid, exp = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
unindex(t, id)
local link = t .. 'l:' .. id
redis.call('HSET', link, 'user', user, 'iss', iss, 'sub', sub, 'sid', sid, 'exp', exp)
redis.call('PEXPIREAT', link, exp)
local function index(key)
  redis.call('ZADD', key, exp, id)
  keepUntil(key, tonumber(exp))
end
index(t .. 'sub:' .. pair(iss, sub))
if sid ~= '' then index(t .. 'sid:' .. pair(iss, sid)) end
index(t .. 'u:' .. redis.sha1hex(user))
return 1`,
);

const findScript = defineScript(
  'findFederatedLinks',
  `${KEYS}
local t, by, now = ARGV[1], ARGV[2], ARGV[3]
local key
if by == 'sid' then key = t .. 'sid:' .. pair(ARGV[4], ARGV[5])
elseif by == 'sub' then key = t .. 'sub:' .. pair(ARGV[4], ARGV[5])
else key = t .. 'u:' .. redis.sha1hex(ARGV[4]) end
local found = {}
for _, id in ipairs(redis.call('ZRANGE', key, '(' .. now, '+inf', 'BYSCORE')) do
  local f = redis.call('HMGET', t .. 'l:' .. id, 'user', 'iss', 'sub', 'sid', 'exp')
  if f[1] then found[#found + 1] = { id, f[1], f[2], f[3], f[4], f[5] } end
end
return found`,
  { readOnly: true },
);

const rememberScript = defineScript(
  'rememberLogoutToken',
  `${KEYS}
local key = ARGV[1] .. 'j:' .. pair(ARGV[2], ARGV[3])
if redis.call('SET', key, '1', 'NX', 'PXAT', ARGV[4]) then return 1 end
return 0`,
);

const forgetScript = defineScript(
  'forgetLogoutToken',
  `${KEYS}
redis.call('DEL', ARGV[1] .. 'j:' .. pair(ARGV[2], ARGV[3]))
return 1`,
);

const eraseScript = defineScript(
  'eraseFederatedLinks',
  `${KEYS}
local t = ARGV[1]
local users = t .. 'u:' .. redis.sha1hex(ARGV[2])
for _, id in ipairs(redis.call('ZRANGE', users, 0, -1)) do unindex(t, id) end
redis.call('DEL', users)
return 1`,
);

/**
 * The {@link FederatedStore} methods of a Redis store.
 * @param run - The store's script runner (timeout, error mapping, closed check).
 * @param prefix - The store's key prefix.
 */
export function redisFederated(run: RunScript, prefix: string): FederatedStore {
  const tag = `${prefix}{~fed}:`;
  // Routes each script to the slot of the tag; never written.
  const routing = [`${tag}route`];
  return {
    async saveFederatedLink(link: FederatedLink): Promise<void> {
      await run(saveScript, routing, [tag, link.sessionId, link.userId, link.iss, link.sub, link.sid ?? '', String(link.expiresAt)]);
    },
    async findFederatedLinks(query: FederatedQuery, now: number): Promise<readonly FederatedLink[]> {
      const args = query.by === 'sid' ? [query.iss, query.sid] : query.by === 'sub' ? [query.iss, query.sub] : [query.userId];
      const reply = list(await run(findScript, routing, [tag, query.by, String(now), ...args]), 'findFederatedLinks');
      return reply.map((item) => {
        const [sessionId, userId, iss, sub, sid, exp] = list(item, 'findFederatedLinks').map((value) => text(value, 'findFederatedLinks'));
        return { sessionId: sessionId!, userId: userId!, iss: iss!, sub: sub!, sid: sid === '' ? undefined : sid, expiresAt: numeric(exp, 'findFederatedLinks') };
      });
    },
    async rememberLogoutToken(iss: string, jti: string, until: number): Promise<boolean> {
      return numeric(await run(rememberScript, routing, [tag, iss, jti, String(Math.ceil(until))]), 'rememberLogoutToken') === 1;
    },
    async forgetLogoutToken(iss: string, jti: string): Promise<void> {
      await run(forgetScript, routing, [tag, iss, jti]);
    },
    async eraseFederatedLinks(userId: string): Promise<void> {
      await run(eraseScript, routing, [tag, userId]);
    },
    async pruneFederated(): Promise<number> {
      return 0;
    },
  };
}
