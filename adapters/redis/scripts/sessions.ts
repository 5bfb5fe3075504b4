import { defineScript } from './script.js';

// Scripts on one session (and, through its hash tag, its user's keys). Keys a script derives
// from a row it read (another session of the user, the user's epochs when starting from a
// session id) share the declared keys' hash tag, so they live on the same cluster slot.

/**
 * Insert with the epoch check, the high-water mark, device replacement and the session cap,
 * atomically: every decision is taken before the first write, so a refused sign-in writes
 * nothing.
 * KEYS: session, user index, user epochs, user marks, the device's set (any key of the tag
 * when there is no deviceKey), bucket queue.
 * ARGV: id, userId, kind, createdAt, maxAge, replace ("1"/"0"), denyUntil or "",
 * "1" when there is a deviceKey else "", session key prefix, user key prefix, channel,
 * authenticatedAt, the cap or "" for none, "1" to refuse at the cap else "" (evict),
 * idleBefore, then field/value pairs.
 * Returns `{0}` for a duplicate id, `{2}` when the cap refused, else
 * `{1, createdAt, expiresAt, replacedIds, evictedIds}`.
 */
export const createScript = defineScript(
  'create',
  `
-- The cap's eviction order on {lastUsedAt, createdAt, id}. Ids compare byte by byte: Lua's
-- '<' on strings follows the server's collation locale.
local function leastRecentlyUsedFirst(x, y)
  if x[1] ~= y[1] then return x[1] < y[1] end
  if x[2] ~= y[2] then return x[2] < y[2] end
  local a, b = x[3], y[3]
  for i = 1, math.min(#a, #b) do
    local p, q = string.byte(a, i), string.byte(b, i)
    if p ~= q then return p < q end
  end
  return #a < #b
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {0} end
local id, user, kind = ARGV[1], ARGV[2], ARGV[3]
local epoch = tonumber(redis.call('HGET', KEYS[3], kind) or '0')
local createdAt = math.max(tonumber(ARGV[4]), epoch + 1)
local expiresAt = createdAt + tonumber(ARGV[5])
local created, expires = fmt(createdAt), fmt(expiresAt)
local replaced, replacing = {}, {}
if ARGV[8] == '1' and ARGV[6] == '1' then
  for _, other in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    local row = redis.call('HMGET', ARGV[9] .. other, 'c', 'e', 'ra')
    if row[1] and not row[3] and tonumber(row[1]) > epoch and tonumber(row[2]) > createdAt then
      replaced[#replaced + 1] = other
      replacing[other] = true
    end
  end
end
local evicted = {}
if ARGV[13] ~= '' then
  local idleBefore = tonumber(ARGV[15])
  local counted = {}
  -- The index is scored by expiresAt: only rows that outlive the new createdAt can count.
  for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. created, '+inf')) do
    local row = redis.call('HMGET', ARGV[9] .. other, 'k', 'c', 'l', 'ra')
    if row[2] and row[1] == kind and not row[4] and not replacing[other] and tonumber(row[2]) > epoch and tonumber(row[3]) > idleBefore then
      counted[#counted + 1] = {tonumber(row[3]), tonumber(row[2]), other}
    end
  end
  local excess = #counted - tonumber(ARGV[13]) + 1
  if excess > 0 then
    if ARGV[14] == '1' then return {2} end
    table.sort(counted, leastRecentlyUsedFirst)
    for i = 1, excess do evicted[i] = counted[i][3] end
  end
end
for _, other in ipairs(replaced) do
  redis.call('HSET', ARGV[9] .. other, 'ra', created, 'rr', 'replaced')
  if ARGV[7] ~= '' then deny(ARGV[10], KEYS[6], other, user, ARGV[7]) end
end
for _, other in ipairs(evicted) do
  redis.call('HSET', ARGV[9] .. other, 'ra', created, 'rr', 'session_limit')
  if ARGV[7] ~= '' then deny(ARGV[10], KEYS[6], other, user, ARGV[7]) end
end
if ARGV[8] == '1' then
  -- Every live member was just replaced; the others are tombstones or gone.
  if ARGV[6] == '1' then redis.call('DEL', KEYS[5]) end
  redis.call('SADD', KEYS[5], id)
  keepUntil(KEYS[5], expiresAt)
end
redis.call('HSET', KEYS[1], 'c', created, 'e', expires, 'l', created, unpack(ARGV, 16))
-- authenticatedAt is kept as given, not moved with createdAt; a row without the field reads
-- it as createdAt, so the field (one more string for every validation) is only written when
-- the two differ.
if tonumber(ARGV[12]) ~= createdAt then redis.call('HSET', KEYS[1], 'a', ARGV[12]) end
-- Kept a day past its expiry, so a late cookie reads as expired (as in every store) until
-- pruning deletes it; the TTL only cleans up after an app that never prunes.
redis.call('PEXPIREAT', KEYS[1], fmt(expiresAt + 86400000))
redis.call('ZADD', KEYS[2], expires, id)
keepUntil(KEYS[2], expiresAt)
if createdAt > tonumber(redis.call('HGET', KEYS[4], kind) or '0') then redis.call('HSET', KEYS[4], kind, created) end
keepUntil(KEYS[4], expiresAt)
redis.call('ZADD', KEYS[6], expires, 's ' .. id .. ' ' .. user)
if #replaced > 0 or #evicted > 0 then redis.call('PUBLISH', ARGV[11], user) end
return {1, created, expires, replaced, evicted}
`,
);

/**
 * The session and its user's epochs: the one command of a validated request.
 * KEYS: session. ARGV: user key prefix. Returns nil or `{sessionFields, epochFields}`.
 */
export const getScript = defineScript(
  'get',
  `
local row = redis.call('HGETALL', KEYS[1])
if #row == 0 then return false end
local user
for i = 1, #row, 2 do
  if row[i] == 'u' then user = row[i + 1] break end
end
return {row, redis.call('HGETALL', ARGV[1] .. user .. ':e')}
`,
  { readOnly: true },
);

/**
 * lastUsedAt forward only, on an existing live row: never recreates (HMGET on a missing key
 * finds nothing), never clears a revocation, keeps the key's TTL (HSET does not touch it).
 * KEYS: session. ARGV: at. Returns 1 when the row is live, else 0.
 */
export const touchScript = defineScript(
  'touch',
  `
local row = redis.call('HMGET', KEYS[1], 'l', 'ra')
if not row[1] or row[2] then return 0 end
if tonumber(ARGV[1]) > tonumber(row[1]) then redis.call('HSET', KEYS[1], 'l', ARGV[1]) end
return 1
`,
);

/**
 * authenticatedAt forward only, on an existing live row, like `touch` for lastUsedAt: never
 * recreates, never clears a revocation, keeps the key's TTL. A row without the field (written
 * before it existed, or at its createdAt) reads it as createdAt.
 * KEYS: session. ARGV: at. Returns 1 when the row is live, else 0.
 */
export const reauthenticateScript = defineScript(
  'reauthenticate',
  `
local row = redis.call('HMGET', KEYS[1], 'c', 'a', 'ra')
if not row[1] or row[3] then return 0 end
if tonumber(ARGV[1]) > tonumber(row[2] or row[1]) then redis.call('HSET', KEYS[1], 'a', ARGV[1]) end
return 1
`,
);

/**
 * A live row becomes a tombstone; the key keeps its TTL (its absolute expiry).
 * KEYS: session, bucket queue. ARGV: at, reason, denyUntil or "", user key prefix, channel, id.
 * Returns the fields as they were, or nil when missing or already revoked.
 */
export const revokeScript = defineScript(
  'revoke',
  `
local row = redis.call('HGETALL', KEYS[1])
if #row == 0 then return false end
local user
for i = 1, #row, 2 do
  if row[i] == 'ra' then return false end
  if row[i] == 'u' then user = row[i + 1] end
end
redis.call('HSET', KEYS[1], 'ra', ARGV[1], 'rr', ARGV[2])
if ARGV[3] ~= '' then deny(ARGV[4], KEYS[2], ARGV[6], user, ARGV[3]) end
redis.call('PUBLISH', ARGV[5], user)
return row
`,
);
