import { defineScript } from './script.js';

// Scripts on one user's keys (one hash tag). Session keys are derived from the ids in the
// user's index, which carry the same tag.

/**
 * Raises each kind's epoch of a user or a tenant to max(epoch, at, high-water mark): never
 * lowers it, touches no row. Writes the activity entry, when given, and publishes.
 * KEYS: epochs, marks, the owner's bucket activity queue.
 * ARGV: at, channel, message, the owner's key base, the owner's activity queue member,
 * activity id or "", activity JSON, activity at, kinds...
 * Returns `{kind, epoch, kind, epoch, ...}` for the kinds named.
 */
export const raiseEpochsScript = defineScript(
  'raiseEpochs',
  `
local at = tonumber(ARGV[1])
local result = {}
for i = 9, #ARGV do
  local kind = ARGV[i]
  local epoch = tonumber(redis.call('HGET', KEYS[1], kind) or '0')
  local mark = tonumber(redis.call('HGET', KEYS[2], kind) or '0')
  local raised = fmt(math.max(at, epoch, mark))
  redis.call('HSET', KEYS[1], kind, raised)
  result[#result + 1] = kind
  result[#result + 1] = raised
end
if ARGV[6] ~= '' then note(ARGV[4], KEYS[3], ARGV[5], ARGV[6], ARGV[7], ARGV[8]) end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return result
`,
);

/**
 * Tombstones every live row of the user of the given kinds except one, atomically, and writes
 * the activity entry, when given, whatever it revoked.
 * KEYS: user index, user epochs, bucket queue, bucket activity queue.
 * ARGV: keepId, at, reason, denyUntil or "", session key prefix, user key prefix, channel,
 * userId, the store prefix when the script may read tenants' epochs (a single server) else "",
 * activity id or "", activity JSON, activity at, the tenants' epochs read beforehand as JSON
 * (\`{tenant: {kind: epoch}}\`, a cluster) or "{}", kinds... Returns the revoked ids.
 */
export const revokeOthersScript = defineScript(
  'revokeOthers',
  `
local kinds = {}
for i = 14, #ARGV do kinds[ARGV[i]] = true end
local given = cjson.decode(ARGV[13])
local epochs = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do epochs[flat[i]] = tonumber(flat[i + 1]) end
-- A row of a revoked tenant is not live: it is left as it is (read where the script may).
local tenants = {}
local function tenantEpoch(tenant, kind)
  if not tenant then return 0 end
  if ARGV[9] == '' then
    local known = given[tenant]
    return (type(known) == 'table' and tonumber(known[kind])) or 0
  end
  local known = tenants[tenant]
  if known == nil then
    known = {}
    local pairsOf = redis.call('HGETALL', tenantKey(ARGV[9], tenant, 'e'))
    for i = 1, #pairsOf, 2 do known[pairsOf[i]] = tonumber(pairsOf[i + 1]) end
    tenants[tenant] = known
  end
  return known[kind] or 0
end
local revoked = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf')) do
  if id ~= ARGV[1] then
    local key = ARGV[5] .. id
    local row = redis.call('HMGET', key, 'k', 'c', 'ra', 't')
    if row[2] and not row[3] and kinds[row[1]] and tonumber(row[2]) > (epochs[row[1]] or 0) and tonumber(row[2]) > tenantEpoch(row[4], row[1]) then
      redis.call('HSET', key, 'ra', ARGV[2], 'rr', ARGV[3])
      if ARGV[4] ~= '' then deny(ARGV[6], KEYS[3], id, ARGV[8], ARGV[4]) end
      revoked[#revoked + 1] = id
    end
  end
end
if ARGV[10] ~= '' then note(ARGV[6] .. ARGV[8] .. ':', KEYS[4], 'u:' .. ARGV[8], ARGV[10], ARGV[11], ARGV[12]) end
if #revoked > 0 then redis.call('PUBLISH', ARGV[7], ARGV[8]) end
return revoked
`,
);

/**
 * The tenants named by the user's rows that outlive `at` (a cluster reads their epochs before
 * `revokeOthers`, whose script cannot reach their slots). KEYS: user index.
 * ARGV: at, session key prefix. Returns the distinct tenant ids.
 */
export const tenantsOfScript = defineScript(
  'tenantsOf',
  `
local seen, tenants = {}, {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')) do
  local tenant = redis.call('HGET', ARGV[2] .. id, 't')
  if tenant and not seen[tenant] then
    seen[tenant] = true
    tenants[#tenants + 1] = tenant
  end
end
return tenants
`,
  { readOnly: true },
);

/**
 * Every row still held for the user, with the user's epochs and, where the script may read
 * them (a single server), the epochs of every tenant the rows name.
 * KEYS: user index, user epochs. ARGV: session key prefix, the store prefix or "".
 * Returns `{epochFields, {id, sessionFields, ...}, {tenantId, epochFields, ...}}`.
 */
export const listScript = defineScript(
  'listByUser',
  `
local rows, tenants, seen = {}, {}, {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local row = redis.call('HGETALL', ARGV[1] .. id)
  if #row > 0 then
    rows[#rows + 1] = id
    rows[#rows + 1] = row
    for i = 1, #row, 2 do
      if row[i] == 't' and ARGV[2] ~= '' and not seen[row[i + 1]] then
        seen[row[i + 1]] = true
        tenants[#tenants + 1] = row[i + 1]
        tenants[#tenants + 1] = redis.call('HGETALL', tenantKey(ARGV[2], row[i + 1], 'e'))
      end
    end
  end
end
return {redis.call('HGETALL', KEYS[2]), rows, tenants}
`,
  { readOnly: true },
);

/**
 * Epochs and deny-list of one user, and a tenant's epochs when a third key is given.
 * KEYS: user epochs, user deny-list[, tenant epochs].
 * Returns `{epochFields, {id, until, id, until, ...}, tenantEpochFields or false}`.
 */
export const revocationStateScript = defineScript(
  'getRevocationState',
  `
local tenant = false
if KEYS[3] then tenant = redis.call('HGETALL', KEYS[3]) end
return {redis.call('HGETALL', KEYS[1]), redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES'), tenant}
`,
  { readOnly: true },
);

/**
 * Erases a user's sessions (live and tombstones), their device sets, the deny-list, the
 * activity entries, known devices and revocation links, and the user's entries in the
 * bucket's queues (they name the user); keeps epochs and marks. A link whose key is on
 * another slot (a cluster) is left to the caller, who gets its id back.
 * KEYS: user index, user deny-list, bucket queue, bucket activity queue, bucket device queue,
 * activity ids, activity entries, activity times, known devices, links index.
 * ARGV: session key prefix, the user's key base (\`<p>{b}:u:<userId>:\`), userId, the bucket,
 * the store prefix when the script may delete any link (a single server) else "".
 * Returns `{session rows deleted, {link ids left to the caller}}`.
 */
export const eraseUserScript = defineScript(
  'eraseUser',
  `
local deleted = 0
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local key = ARGV[1] .. id
  local row = redis.call('HMGET', key, 'k', 'p')
  if row[1] and row[2] then
    local ok, packed = pcall(cjson.decode, row[2])
    if ok and type(packed) == 'table' and type(packed.dk) == 'string' then
      redis.call('DEL', ARGV[2] .. 'v:' .. redis.sha1hex(row[1] .. '\\n' .. packed.dk))
    end
  end
  deleted = deleted + redis.call('DEL', key)
  redis.call('ZREM', KEYS[3], 's ' .. id .. ' ' .. ARGV[3])
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  redis.call('ZREM', KEYS[3], 'd ' .. id .. ' ' .. ARGV[3])
end
local foreign = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[10], 0, -1)) do
  local bucket = string.sub(id, 1, 3)
  if bucket == ARGV[4] or ARGV[5] ~= '' then
    local prefix = string.sub(ARGV[1], 1, #ARGV[1] - #ARGV[4] - 5)
    redis.call('DEL', prefix .. '{' .. bucket .. '}:l:' .. id)
    redis.call('ZREM', prefix .. '{' .. bucket .. '}:x', 'l ' .. id .. ' -')
    redis.call('ZREM', KEYS[10], id)
  else
    foreign[#foreign + 1] = id
  end
end
redis.call('ZREM', KEYS[4], 'u:' .. ARGV[3])
redis.call('ZREM', KEYS[5], 'u:' .. ARGV[3])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
return {deleted, foreign}
`,
);

/**
 * Activity entries of one owner (a user or a tenant), in one step.
 * KEYS: the owner's bucket activity queue. ARGV: the owner's key base, its queue member, then
 * id, JSON, at for each entry.
 */
export const appendActivityScript = defineScript(
  'appendActivity',
  `
for i = 3, #ARGV, 3 do note(ARGV[1], KEYS[1], ARGV[2], ARGV[i], ARGV[i + 1], ARGV[i + 2]) end
return #ARGV
`,
);

/**
 * One page of an owner's activity entries, greatest id first.
 * KEYS: activity ids, activity entries. ARGV: the upper bound ("+" or "(" + before), limit.
 * Returns the entries' JSON.
 */
export const listActivityScript = defineScript(
  'listActivity',
  `
local ids = redis.call('ZREVRANGEBYLEX', KEYS[1], ARGV[1], '-', 'LIMIT', 0, tonumber(ARGV[2]))
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))
`,
  { readOnly: true },
);

/**
 * A known device seen again: keeps the latest time, answers the one before.
 * KEYS: known devices, bucket device queue. ARGV: device hash, at, the user's queue member.
 * Returns the previous last-seen time, or nil.
 */
export const rememberDeviceScript = defineScript(
  'rememberDevice',
  `
local previous = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], 'LT', ARGV[2], ARGV[3])
return previous
`,
);

/** A user's known devices. KEYS: known devices. Returns `{hash, lastSeen, ...}`. */
export const listDevicesScript = defineScript(
  'listDevices',
  `
return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
`,
  { readOnly: true },
);

/**
 * Notes a link id in its user's index (first, so eraseUser finds the link even if the link's
 * own write that follows fails). KEYS: links index. ARGV: link id, expiresAt.
 */
export const indexLinkScript = defineScript(
  'indexLink',
  `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
keepUntil(KEYS[1], tonumber(ARGV[2]) + 86400000)
return 1
`,
);

/**
 * Stores a revocation link, queued for prune at its expiry and kept by Redis a day longer at
 * most. KEYS: link, its bucket's queue. ARGV: hash (base64), userId, sessionId, expiresAt, id,
 * then the field/value pairs of those it has of dk (device key) and t (tenant).
 * Returns 0 when a link with this id exists, else 1.
 */
export const saveLinkScript = defineScript(
  'saveLink',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'u', ARGV[2], 's', ARGV[3], 'e', ARGV[4], unpack(ARGV, 6))
redis.call('PEXPIREAT', KEYS[1], fmt(tonumber(ARGV[4]) + 86400000))
redis.call('ZADD', KEYS[2], ARGV[4], 'l ' .. ARGV[5] .. ' -')
return 1
`,
);

/**
 * Uses a link once: deletes it and answers its fields (h, u, s, e, dk, t; nil for a missing
 * one) when the hash matches and it has not expired, else changes nothing. KEYS: link.
 * ARGV: hash (base64), now.
 */
export const consumeLinkScript = defineScript(
  'consumeLink',
  `
local row = redis.call('HMGET', KEYS[1], 'h', 'u', 's', 'e', 'dk', 't')
if not row[1] or row[1] ~= ARGV[1] or tonumber(row[4]) <= tonumber(ARGV[2]) then return false end
redis.call('DEL', KEYS[1])
return row
`,
);

/**
 * Counts one bucket's session rows by kind at `now`. KEYS: bucket queue.
 * ARGV: now, session key prefix. Returns `{kind, live, revoked, expired, ...}`.
 */
export const statsScript = defineScript(
  'stats',
  `
local now = tonumber(ARGV[1])
local counts, order = {}, {}
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local id = string.match(member, '^s (%S+) ')
  if id then
    local row = redis.call('HMGET', ARGV[2] .. id, 'k', 'e', 'ra')
    if row[1] then
      local count = counts[row[1]]
      if not count then
        count = {0, 0, 0}
        counts[row[1]] = count
        order[#order + 1] = row[1]
      end
      if tonumber(row[2]) <= now then count[3] = count[3] + 1
      elseif row[3] then count[2] = count[2] + 1
      else count[1] = count[1] + 1 end
    end
  end
end
local result = {}
for _, kind in ipairs(order) do
  local count = counts[kind]
  result[#result + 1] = kind
  result[#result + 1] = count[1]
  result[#result + 1] = count[2]
  result[#result + 1] = count[3]
end
return result
`,
  { readOnly: true },
);
