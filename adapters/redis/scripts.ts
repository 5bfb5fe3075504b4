import { hash } from 'node:crypto';

/** A Lua script, its SHA-1 (the name EVALSHA calls it by), whether it only reads (`EVALSHA_RO`: Redis refuses a write in it), and its `cluster` variant. */
export type Script = ReturnType<typeof script>;
// Cluster: mid-migration a script would read a key still on the other node as empty (epochs lost), or write it apart; Redis refuses two keys of the slot that exist nowhere (ASK, TRYAGAIN) exactly then, so a script on a cluster answers TRYAGAIN first. Any other refusal of the probe (an ACL's) is the script's answer: a skipped probe would let a migration through.
const SLOT_STEADY = `local moving = redis.pcall('EXISTS', KEYS[1] .. '\\0', KEYS[1] .. '\\0\\0')
if type(moving) == 'table' then return (string.find(moving.err, 'cluster', 1, true) or string.find(moving.err, 'slot', 1, true)) and redis.error_reply('TRYAGAIN the slot of ' .. KEYS[1] .. ' is migrating') or moving end\n`;
const variant = (source: string, readOnly: boolean) => ({ source, sha: hash('sha1', source, 'hex'), readOnly });
const script = (body: string, readOnly = false) => ({ ...variant(body, readOnly), cluster: variant(SLOT_STEADY + body, readOnly) });

/**
 * Writes a batch: checks the owner's version (field `v` of KEYS[1]), applies each write encoded by `writes.ts`, bumps the version. ARGV: expected
 * version ('' for any), '1' to bump, the directory prefix ('' on a cluster). Answers nil when the version moved, else {1, queues written, far keys}.
 */
export const applyScript = script(`
local owner, dir = KEYS[1], ARGV[3]
if ARGV[1] ~= '' and tonumber(ARGV[1]) ~= tonumber(redis.call('HGET', owner, 'v') or '0') then return false end
local marks, far = {}, {}
local function q(key, lane) return string.sub(key, 1, string.find(key, '}', 1, true)) .. ':' .. lane end
local function queue(q, score, member, lt)
  if lt then redis.call('ZADD', q, 'LT', score, member) else redis.call('ZADD', q, score, member) end
  if dir == '' then marks[#marks + 1] = q; marks[#marks + 1] = score
  else redis.call('ZADD', dir .. string.sub(q, -1), 'LT', score, q); redis.call('HINCRBY', dir .. 'v', q, 1) end
end
local i = 4
while i <= #ARGV do
  local op = ARGV[i]
  if op == 'i' then -- key, user base, queue, expiresAt, ms to keep it, n, n fields
    local key, n = ARGV[i + 1], tonumber(ARGV[i + 6])
    redis.call('DEL', key); redis.call('HSET', key, unpack(ARGV, i + 7, i + 6 + n)); redis.call('PEXPIRE', key, ARGV[i + 5])
    redis.call('SADD', ARGV[i + 2] .. 's', key)
    queue(ARGV[i + 3], ARGV[i + 4], 's ' .. key .. ' ' .. ARGV[i + 2], false)
    i = i + 7 + n
  elseif op == 'r' then -- key, user base, at, reason
    if redis.call('HGET', ARGV[i + 1], 'um') == ARGV[i + 2] then redis.call('HSET', ARGV[i + 1], 'r', ARGV[i + 3], 'rr', ARGV[i + 4]) end
    i = i + 5
  elseif op == 'e' then -- n, n kind/epoch pairs
    local n = tonumber(ARGV[i + 1])
    for j = i + 2, i + 2 * n, 2 do redis.call('HSET', owner, 'e:' .. ARGV[j], ARGV[j + 1]) end
    i = i + 2 + 2 * n
  elseif op == 'h' then -- a tenant's or user's hash, kind, at: keeps the larger
    local old = redis.call('HGET', ARGV[i + 1], 'h:' .. ARGV[i + 2])
    if not old or tonumber(old) < tonumber(ARGV[i + 3]) then redis.call('HSET', ARGV[i + 1], 'h:' .. ARGV[i + 2], ARGV[i + 3]) end
    i = i + 4
  elseif op == 'z' then -- sorted set, member, score, queue (deny-list, devices, a user's keys)
    redis.call('ZADD', ARGV[i + 1], ARGV[i + 3], ARGV[i + 2])
    queue(ARGV[i + 4], ARGV[i + 3], 'z ' .. ARGV[i + 1], true)
    i = i + 5
  elseif op == 'a' then -- owner base, id, JSON, at, queue
    local base = ARGV[i + 1]
    redis.call('ZADD', base .. 'a', 0, ARGV[i + 2]); redis.call('HSET', base .. 'A', ARGV[i + 2], ARGV[i + 3]); redis.call('ZADD', base .. 'at', ARGV[i + 4], ARGV[i + 2])
    queue(ARGV[i + 5], ARGV[i + 4], 'a ' .. base, true)
    i = i + 6
  elseif op == 'k' then -- key, value, expiresAt, userId, queue: no TTL, so no volatile-* policy evicts it
    local key = ARGV[i + 1]
    local v = tonumber(redis.call('HGET', key, 'v') or '0') + 1
    redis.call('DEL', key); redis.call('HSET', key, 'v', v, 'val', ARGV[i + 2], 'e', ARGV[i + 3], 'u', ARGV[i + 4])
    queue(ARGV[i + 5], ARGV[i + 3], 'k ' .. key, false)
    i = i + 6
  elseif op == 'x' then -- key, userId or '': an erased user's key only if not put again for another
    if ARGV[i + 2] == '' or redis.call('HGET', ARGV[i + 1], 'u') == ARGV[i + 2] then redis.call('DEL', ARGV[i + 1]); redis.call('ZREM', q(ARGV[i + 1], 'x'), 'k ' .. ARGV[i + 1]) end
    i = i + 3
  elseif op == 'E' then -- user base, userId
    local base, tag = ARGV[i + 1], string.match(ARGV[i + 1], '{[^}]*}')
    for _, key in ipairs(redis.call('SMEMBERS', base .. 's')) do redis.call('DEL', key); redis.call('ZREM', q(key, 'x'), 's ' .. key .. ' ' .. base) end
    redis.call('DEL', base .. 's', base .. 'd', base .. 'k', base .. 'a', base .. 'A', base .. 'at')
    redis.call('ZREM', q(base, 'x'), 'z ' .. base .. 'd', 'z ' .. base .. 'K')
    redis.call('ZREM', q(base, 'y'), 'a ' .. base)
    redis.call('ZREM', q(base, 'w'), 'z ' .. base .. 'k')
    for _, key in ipairs(redis.call('ZRANGE', base .. 'K', 0, -1)) do
      if dir ~= '' or string.match(key, '{[^}]*}') == tag then
        if redis.call('HGET', key, 'u') == ARGV[i + 2] then redis.call('DEL', key); redis.call('ZREM', q(key, 'x'), 'k ' .. key) end
        redis.call('ZREM', base .. 'K', key)
      else far[#far + 1] = key end
    end
    i = i + 3
  else return redis.error_reply('ERR unknown write ' .. op) end
end
if ARGV[2] == '1' then redis.call('HINCRBY', owner, 'v', 1) end
return {1, marks, far}
`);

/** A session with its user's epochs, and (ARGV[1] '1': not a cluster) its tenant's hash. */
export const getScript = script(`
local s = redis.call('HMGET', KEYS[1], 'p', 'l', 'a', 'r', 'rr', 'um', 'tm')
if not s[1] then return false end
local t = s[7] and ARGV[1] == '1' and redis.call('HGETALL', s[7]) or false
return {{s[1], s[2], s[3], s[4], s[5]}, redis.call('HGETALL', s[6] .. 'm'), t, s[7]}
`, true);

/** Everything of one user (KEYS[1] its hash; ARGV: base, '1' to read tenants too, one more tenant's hash or '', '' to read every session or the one session key to read). */
export const readUserScript = script(`
local base, rows, seen, tenants = ARGV[1], {}, {}, {}
local function tenant(tm)
  if not tm or seen[tm] then return end
  seen[tm] = true
  tenants[#tenants + 1] = tm; tenants[#tenants + 1] = ARGV[2] == '1' and redis.call('HGETALL', tm) or false
end
local keys = ARGV[4] == '' and redis.call('SMEMBERS', base .. 's') or redis.call('SISMEMBER', base .. 's', ARGV[4]) == 1 and {ARGV[4]} or {}
for _, key in ipairs(keys) do
  local s = redis.call('HMGET', key, 'p', 'l', 'a', 'r', 'rr', 'tm')
  if s[1] then rows[#rows + 1] = {s[1], s[2], s[3], s[4], s[5]}; tenant(s[6]) end
end
if ARGV[3] ~= '' then tenant(ARGV[3]) end
return {redis.call('HGETALL', KEYS[1]), rows, redis.call('ZRANGE', base .. 'd', 0, -1, 'WITHSCORES'), redis.call('ZRANGE', base .. 'k', 0, -1, 'WITHSCORES'), tenants}
`, true);

/** One hash (a tenant's, a key's): a script so every client answers a flat list. */
export const readHashScript = script(`return redis.call('HGETALL', KEYS[1])`, true);

/** Moves a session's times forward, on an existing row not revoked. ARGV: lastUsedAt, authenticatedAt ('' for none). */
export const touchScript = script(`
local s = redis.call('HMGET', KEYS[1], 'um', 'r', 'l', 'a')
if not s[1] or s[2] then return 0 end
if ARGV[1] ~= '' and tonumber(ARGV[1]) > tonumber(s[3]) then redis.call('HSET', KEYS[1], 'l', ARGV[1]) end
if ARGV[2] ~= '' and tonumber(ARGV[2]) > tonumber(s[4]) then redis.call('HSET', KEYS[1], 'a', ARGV[2]) end
return 1
`);

/** One page of an owner's activity, newest id first (KEYS[1] its `a`; ARGV: '+' or '(<before>', limit). */
export const listActivityScript = script(`
local ids = redis.call('ZRANGE', KEYS[1], ARGV[1], '-', 'BYLEX', 'REV', 'LIMIT', 0, ARGV[2])
if #ids == 0 then return {} end
return redis.call('HMGET', string.sub(KEYS[1], 1, -2) .. 'A', unpack(ids))
`, true);

/** Prunes one queue (KEYS[1]) of what is due by ARGV[1]: at most ARGV[2] rows, ARGV[3] members. Answers {deleted, next due or ''}. */
export const pruneScript = script(`
local q, now = KEYS[1], tonumber(ARGV[1])
local n = 0
for _, m in ipairs(redis.call('ZRANGEBYSCORE', q, '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])) do
  local t = string.sub(m, 1, 1)
  if t == 'k' or (t == 's' and n < tonumber(ARGV[2])) then -- a key, a session row (and its user's index)
    local key, base = string.match(m, '^. (%S+) ?(.*)$')
    local e = redis.call('HGET', key, 'e')
    if e and tonumber(e) > now then redis.call('ZADD', q, e, m)
    else
      if e then redis.call('DEL', key); if t == 's' then n = n + 1 end end
      if t == 's' then redis.call('SREM', base .. 's', key) end
      redis.call('ZREM', q, m)
    end
  elseif t ~= 's' then -- a sorted set of entries due by their score
    local key = string.sub(m, 3)
    local z = t == 'a' and key .. 'at' or key
    local gone = redis.call('ZRANGEBYSCORE', z, '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
    if #gone > 0 then
      redis.call('ZREM', z, unpack(gone))
      if t == 'a' then redis.call('ZREM', key .. 'a', unpack(gone)); redis.call('HDEL', key .. 'A', unpack(gone)) end
    end
    local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
    if first[2] then redis.call('ZADD', q, first[2], m) else redis.call('ZREM', q, m) end
  end
end
local first = redis.call('ZRANGE', q, 0, 0, 'WITHSCORES')
return {n, first[2] or ''}
`);

/** The due queues of a lane (KEYS: its directory, the versions), with their versions. ARGV: due by, page size, offset. */
export const dueScript = script(`
local out = {}
for _, q in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', ARGV[3], ARGV[2])) do out[#out + 1] = q; out[#out + 1] = redis.call('HGET', KEYS[2], q) or '0' end
return out
`, true);

/** After a queue was pruned: its next due, or its removal, unless a write queued something since (its version moved). */
export const settleScript = script(`
if (redis.call('HGET', KEYS[2], ARGV[1]) or '0') ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]); redis.call('HDEL', KEYS[2], ARGV[1])
else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return 1
`);

/** Redis Cluster: the directory learns of queues a batch wrote (KEYS[1] the versions; ARGV queue/due pairs). */
export const markScript = script(`
local dir = string.sub(KEYS[1], 1, -2)
for j = 1, #ARGV, 2 do redis.call('ZADD', dir .. string.sub(ARGV[j], -1), 'LT', ARGV[j + 1], ARGV[j]); redis.call('HINCRBY', KEYS[1], ARGV[j], 1) end
return 1
`);

/** Takes the prune lock for ARGV[2] ms (1 if taken), or (ARGV[2] '') releases it if ARGV[1] still holds it. */
export const lockScript = script(`
if ARGV[2] ~= '' then return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) and 1 or 0 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`);

/** stats(): kind, expiresAt, revoked ('1' or '') of each row in one queue. */
export const statsScript = script(`
local out = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(m, 1, 1) == 's' then
    local s = redis.call('HMGET', string.match(m, '^s (%S+)'), 'p', 'e', 'r')
    if s[1] then out[#out + 1] = cjson.decode(s[1]).kind; out[#out + 1] = s[2]; out[#out + 1] = s[3] and '1' or '' end
  end
end
return out
`, true);
