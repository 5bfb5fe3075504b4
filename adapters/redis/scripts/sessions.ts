import { defineScript } from './script.js';

// Scripts on one session (and, through its hash tag, its user's keys). Keys a script derives
// from a row it read (another session of the user, the user's epochs when starting from a
// session id) share the declared keys' hash tag, so they live on the same cluster slot.

/**
 * Insert with the epoch checks (the user's and, for a row with a tenant, the tenant's), the
 * high-water marks, device replacement, the session cap and the activity entries,
 * atomically: every decision is taken before the first write, so a refused sign-in writes
 * nothing. Device replacement and the cap look only at the user's rows of the sign-in's tenant
 * (rows without one when it has none), so the sign-in's own tenant epoch is the only one needed.
 * KEYS: session, user index, user epochs, user marks, the device's set (any key of the tag
 * when there is no deviceKey), bucket queue, bucket activity queue, tenant epochs, tenant
 * marks (any key of the tag unless ARGV[16] is "k").
 * ARGV: id, userId, kind, createdAt, maxAge, replace ("1"/"0"), denyUntil or "",
 * "1" when there is a deviceKey else "", session key prefix, user key prefix, channel,
 * authenticatedAt, the cap or "" for none, "1" to refuse at the cap else "" (evict),
 * idleBefore, the tenant's epoch source ("" no tenant, "k" read from KEYS 8 and 9, else the
 * epoch itself, read beforehand on a cluster), tenantId or "", activity id or "", activity
 * JSON, activity at, the JSON fields shared by the derived entries, then field/value pairs.
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
local id, user, kind, ownTenant = ARGV[1], ARGV[2], ARGV[3], ARGV[17]
local epoch = tonumber(redis.call('HGET', KEYS[3], kind) or '0')
local tenantEpoch = 0
if ARGV[16] == 'k' then
  tenantEpoch = tonumber(redis.call('HGET', KEYS[8], kind) or '0')
elseif ARGV[16] ~= '' then
  tenantEpoch = tonumber(ARGV[16])
end
local createdAt = math.max(tonumber(ARGV[4]), epoch + 1, tenantEpoch + 1)
local expiresAt = createdAt + tonumber(ARGV[5])
local created, expires = fmt(createdAt), fmt(expiresAt)
-- Whether a row (its t field, or false) is of the sign-in's tenant. A row written before the
-- t field existed keeps its tenant only in p.
local function ofOwnTenant(other, t)
  if not t then
    local ok, packed = pcall(cjson.decode, redis.call('HGET', ARGV[9] .. other, 'p') or '')
    t = ok and type(packed) == 'table' and type(packed.t) == 'string' and packed.t or ''
  end
  return t == ownTenant
end
-- The device's set keeps the ids of its sessions that may be live: of other tenants, and
-- (until this sign-in replaces them) of this one. The rest leave it.
local replaced, replacing, dropped = {}, {}, {}
if ARGV[8] == '1' and ARGV[6] == '1' then
  for _, other in ipairs(redis.call('SMEMBERS', KEYS[5])) do
    local row = redis.call('HMGET', ARGV[9] .. other, 'c', 'e', 'ra', 't')
    if not row[1] or row[3] or tonumber(row[1]) <= epoch or tonumber(row[2]) <= createdAt then
      dropped[#dropped + 1] = other
    elseif ofOwnTenant(other, row[4]) then
      dropped[#dropped + 1] = other
      if tonumber(row[1]) > tenantEpoch then
        replaced[#replaced + 1] = other
        replacing[other] = true
      end
    end
  end
end
local evicted = {}
if ARGV[13] ~= '' then
  local idleBefore = tonumber(ARGV[15])
  local counted = {}
  -- The index is scored by expiresAt: only rows that outlive the new createdAt can count.
  for _, other in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. created, '+inf')) do
    local row = redis.call('HMGET', ARGV[9] .. other, 'k', 'c', 'l', 'ra', 't')
    if row[2] and row[1] == kind and not row[4] and not replacing[other] and tonumber(row[2]) > epoch and tonumber(row[2]) > tenantEpoch
      and tonumber(row[3]) > idleBefore and ofOwnTenant(other, row[5]) then
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
local activityBase, owner = ARGV[10] .. user .. ':', 'u:' .. user
local derived = 0
-- The i-th (from 0) session replaced or evicted gets an entry derived from the sign-in's.
local function noteRevoked(other, reason)
  if ARGV[18] == '' then return end
  local entryId = ARGV[18] .. '.' .. derived
  derived = derived + 1
  note(activityBase, KEYS[7], owner, entryId, '{"id":"' .. entryId .. '",' .. ARGV[21] .. '"reason":"' .. reason .. '","sessionId":"' .. other .. '"}', ARGV[20])
end
for _, other in ipairs(replaced) do
  redis.call('HSET', ARGV[9] .. other, 'ra', created, 'rr', 'replaced')
  if ARGV[7] ~= '' then deny(ARGV[10], KEYS[6], other, user, ARGV[7]) end
  noteRevoked(other, 'replaced')
end
for _, other in ipairs(evicted) do
  redis.call('HSET', ARGV[9] .. other, 'ra', created, 'rr', 'session_limit')
  if ARGV[7] ~= '' then deny(ARGV[10], KEYS[6], other, user, ARGV[7]) end
  noteRevoked(other, 'session_limit')
end
if ARGV[8] == '1' then
  -- One by one: SREM with every id at once could pass Lua's limit on unpacked values.
  for _, other in ipairs(dropped) do redis.call('SREM', KEYS[5], other) end
  redis.call('SADD', KEYS[5], id)
  keepUntil(KEYS[5], expiresAt)
end
redis.call('HSET', KEYS[1], 'c', created, 'e', expires, 'l', created, unpack(ARGV, 22))
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
if ARGV[16] == 'k' then
  if createdAt > tonumber(redis.call('HGET', KEYS[9], kind) or '0') then redis.call('HSET', KEYS[9], kind, created) end
  keepUntil(KEYS[9], expiresAt)
end
redis.call('ZADD', KEYS[6], expires, 's ' .. id .. ' ' .. user)
if ARGV[18] ~= '' then note(activityBase, KEYS[7], owner, ARGV[18], ARGV[19], ARGV[20]) end
if #replaced > 0 or #evicted > 0 then redis.call('PUBLISH', ARGV[11], user) end
return {1, created, expires, replaced, evicted}
`,
);

/**
 * Raises a tenant's high-water mark for a kind to a new session's createdAt (Redis Cluster,
 * where the sign-in script cannot reach the tenant's slot). It runs after the sign-in script
 * and before `create` answers, the tenant's epoch having been read before the script: a
 * `revokeTenant` over before that read is in the epoch (the session is born after it); one
 * that starts after this mark covers the session; one in between overlaps the sign-in, which
 * nobody could use yet (its token is not out), so either order of the two is a valid outcome.
 * KEYS: tenant marks. ARGV: kind, createdAt, expiresAt.
 */
export const tenantMarkScript = defineScript(
  'tenantMark',
  `
if tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
keepUntil(KEYS[1], tonumber(ARGV[3]))
return 1
`,
);

/**
 * The session, its user's epochs and, for a row with a tenant, the tenant's epochs: the one
 * command of a validated request seen for the first time by this process.
 * KEYS: session. ARGV: user key prefix, the store prefix when the script may read the tenant's
 * key (a single server) else "" (a cluster: the tenant's slot is another one).
 * Returns nil or `{sessionFields, epochFields, tenantEpochFields or false}`.
 */
export const getScript = defineScript(
  'get',
  `
local row = redis.call('HGETALL', KEYS[1])
if #row == 0 then return false end
local user, tenant
for i = 1, #row, 2 do
  if row[i] == 'u' then user = row[i + 1] elseif row[i] == 't' then tenant = row[i + 1] end
end
local tenantEpochs = false
if tenant and ARGV[2] ~= '' then tenantEpochs = redis.call('HGETALL', tenantKey(ARGV[2], tenant, 'e')) end
return {row, redis.call('HGETALL', ARGV[1] .. user .. ':e'), tenantEpochs}
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
 * A live row becomes a tombstone; the key keeps its TTL (its absolute expiry). The activity
 * entry, when given, is written only if this call revoked.
 * KEYS: session, bucket queue, bucket activity queue. ARGV: at, reason, denyUntil or "", user
 * key prefix, channel, id, activity id or "", activity JSON, activity at.
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
if ARGV[7] ~= '' then note(ARGV[4] .. user .. ':', KEYS[3], 'u:' .. user, ARGV[7], ARGV[8], ARGV[9]) end
redis.call('PUBLISH', ARGV[5], user)
return row
`,
);
