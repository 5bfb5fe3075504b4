import { defineScript } from './script.js';

// Scripts on one user's keys (one hash tag). Session keys are derived from the ids in the
// user's index, which carry the same tag.

/**
 * Raises each kind's epoch to max(epoch, at, high-water mark): never lowers it, touches no row.
 * KEYS: user epochs, user marks. ARGV: at, channel, userId, kinds...
 * Returns `{kind, epoch, kind, epoch, ...}` for the kinds named.
 */
export const revokeAllScript = defineScript(
  'revokeAll',
  `
local at = tonumber(ARGV[1])
local result = {}
for i = 4, #ARGV do
  local kind = ARGV[i]
  local epoch = tonumber(redis.call('HGET', KEYS[1], kind) or '0')
  local mark = tonumber(redis.call('HGET', KEYS[2], kind) or '0')
  local raised = fmt(math.max(at, epoch, mark))
  redis.call('HSET', KEYS[1], kind, raised)
  result[#result + 1] = kind
  result[#result + 1] = raised
end
redis.call('PUBLISH', ARGV[2], ARGV[3])
return result
`,
);

/**
 * Tombstones every live row of the user of the given kinds except one, atomically.
 * KEYS: user index, user epochs, bucket queue.
 * ARGV: keepId, at, reason, denyUntil or "", session key prefix, user key prefix, channel,
 * userId, kinds... Returns the revoked ids.
 */
export const revokeOthersScript = defineScript(
  'revokeOthers',
  `
local kinds = {}
for i = 9, #ARGV do kinds[ARGV[i]] = true end
local epochs = {}
local flat = redis.call('HGETALL', KEYS[2])
for i = 1, #flat, 2 do epochs[flat[i]] = tonumber(flat[i + 1]) end
local revoked = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[2], '+inf')) do
  if id ~= ARGV[1] then
    local key = ARGV[5] .. id
    local row = redis.call('HMGET', key, 'k', 'c', 'ra')
    if row[2] and not row[3] and kinds[row[1]] and tonumber(row[2]) > (epochs[row[1]] or 0) then
      redis.call('HSET', key, 'ra', ARGV[2], 'rr', ARGV[3])
      if ARGV[4] ~= '' then deny(ARGV[6], KEYS[3], id, ARGV[8], ARGV[4]) end
      revoked[#revoked + 1] = id
    end
  end
end
if #revoked > 0 then redis.call('PUBLISH', ARGV[7], ARGV[8]) end
return revoked
`,
);

/**
 * Every row still held for the user, with the user's epochs.
 * KEYS: user index, user epochs. ARGV: session key prefix.
 * Returns `{epochFields, {id, sessionFields, id, sessionFields, ...}}`.
 */
export const listScript = defineScript(
  'listByUser',
  `
local rows = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local row = redis.call('HGETALL', ARGV[1] .. id)
  if #row > 0 then
    rows[#rows + 1] = id
    rows[#rows + 1] = row
  end
end
return {redis.call('HGETALL', KEYS[2]), rows}
`,
  { readOnly: true },
);

/**
 * Epochs and deny-list of one user. KEYS: user epochs, user deny-list.
 * Returns `{epochFields, {id, until, id, until, ...}}`.
 */
export const revocationStateScript = defineScript(
  'getRevocationState',
  `
return {redis.call('HGETALL', KEYS[1]), redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')}
`,
  { readOnly: true },
);

/**
 * Erases a user's sessions (live and tombstones), their device sets, the deny-list and the
 * user's entries in the bucket's prune queue (they name the user); keeps epochs and marks.
 * KEYS: user index, user deny-list, bucket queue.
 * ARGV: session key prefix, the user's key base (\`<p>{b}:u:<userId>:\`), userId.
 * Returns the number of session rows deleted.
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
redis.call('DEL', KEYS[1], KEYS[2])
return deleted
`,
);
