import { defineScript } from './script.js';

// Pruning works bucket by bucket, because a cluster script cannot reach two slots: each
// bucket keeps a queue of what it must delete and when, and a small directory (its own slot)
// says which buckets have something due. See prune.ts for why the directory stays exact.

/**
 * Deletes what is due in one bucket: session rows (and their index entries) whose expiresAt
 * <= now, up to `limit`, and deny-list entries and revocation links that ran out. Looks at `budget` queue entries
 * at most, so one call never holds Redis for long.
 * KEYS: bucket queue. ARGV: now, limit, budget, `<prefix>{bucket}:`.
 * Returns `{deleted, queue entries removed, earliest score left or nil}`.
 */
export const pruneBucketScript = defineScript(
  'pruneBucket',
  `
local now, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
local deleted, removed = 0, 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))) do
  local entry, id, user = string.match(member, '^(%a) (%S+) (.*)$')
  if entry == 's' then
    if deleted >= limit then break end
    redis.call('DEL', ARGV[4] .. 's:' .. id)
    redis.call('ZREM', ARGV[4] .. 'u:' .. user .. ':s', id)
    deleted = deleted + 1
  elseif entry == 'd' then
    local denied = ARGV[4] .. 'u:' .. user .. ':d'
    local till = redis.call('ZSCORE', denied, id)
    if till and tonumber(till) <= now then redis.call('ZREM', denied, id) end
  elseif entry == 'l' then
    local link = ARGV[4] .. 'l:' .. id
    local till = redis.call('HGET', link, 'e')
    if till and tonumber(till) <= now then redis.call('DEL', link) end
  end
  redis.call('ZREM', KEYS[1], member)
  removed = removed + 1
end
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {deleted, removed, head[2] or false}
`,
);

/**
 * Deletes what is due in one bucket's activity or device queue, whose members are owners
 * (`u:<userId>`, `t:<tenantId>`) scored by their earliest entry: the owner's activity entries
 * with at <= cutoff (mode "a") or known devices last seen <= cutoff (mode "v"), up to `limit`,
 * then scores the owner by what is left. Looks at `budget` owners at most.
 * KEYS: the queue. ARGV: cutoff, limit, budget, `<prefix>{bucket}:`, mode.
 * Returns `{deleted, owners visited, earliest score left or nil}`.
 */
export const pruneOwnersScript = defineScript(
  'pruneOwners',
  `
local limit = tonumber(ARGV[2])
local activity = ARGV[5] == 'a'
local deleted, visited = 0, 0
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))) do
  if deleted >= limit then break end
  local base = ARGV[4] .. member .. ':'
  local index = base .. (activity and 'at' or 'k')
  local due = redis.call('ZRANGEBYSCORE', index, '-inf', ARGV[1], 'LIMIT', 0, limit - deleted)
  if #due > 0 then
    redis.call('ZREM', index, unpack(due))
    if activity then
      redis.call('ZREM', base .. 'a', unpack(due))
      redis.call('HDEL', base .. 'A', unpack(due))
    end
    deleted = deleted + #due
  end
  local first = redis.call('ZRANGE', index, 0, 0, 'WITHSCORES')
  if first[2] then redis.call('ZADD', KEYS[1], first[2], member) else redis.call('ZREM', KEYS[1], member) end
  visited = visited + 1
end
local head = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {deleted, visited, head[2] or false}
`,
);

/**
 * Records that buckets' queues got an entry at a score: lowers each bucket's due time and
 * bumps its version, so a pruner that read the directory before cannot settle over it. One
 * call marks several directories (a sign-in queues a session and an activity entry).
 * KEYS: directory due, directory versions, for each mark. ARGV: bucket, score, for each mark.
 */
export const markScript = defineScript(
  'markDue',
  `
for i = 1, #KEYS, 2 do
  redis.call('ZADD', KEYS[i], 'LT', ARGV[i + 1], ARGV[i])
  redis.call('HINCRBY', KEYS[i + 1], ARGV[i], 1)
end
return #KEYS
`,
);

/**
 * Takes (first page) or checks and extends (later pages) the prune lock, then lists up to
 * `count` buckets due at `now` with their versions.
 * KEYS: directory due, directory versions, lock. ARGV: now, count, token, lock ttl, "1" to take.
 * Returns nil when another instance holds the lock, else `{bucket, version, ...}`.
 */
export const dueScript = defineScript(
  'listDue',
  `
if ARGV[5] == '1' then
  if not redis.call('SET', KEYS[3], ARGV[3], 'NX', 'PX', ARGV[4]) then return false end
else
  if redis.call('GET', KEYS[3]) ~= ARGV[3] then return false end
  redis.call('PEXPIRE', KEYS[3], ARGV[4])
end
local result = {}
for _, bucket in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))) do
  result[#result + 1] = bucket
  result[#result + 1] = redis.call('HGET', KEYS[2], bucket) or '0'
end
return result
`,
);

/**
 * Moves a pruned bucket's due time to its earliest remaining entry (or drops it when empty),
 * unless its version moved since the pruner read it: then a write raced the prune and the
 * lower due time it left must stay. KEYS: directory due, directory versions.
 * ARGV: bucket, version read, earliest score or "". Returns 1 when settled.
 */
export const settleScript = defineScript(
  'settleDue',
  `
if (redis.call('HGET', KEYS[2], ARGV[1]) or '0') ~= ARGV[2] then return 0 end
if ARGV[3] == '' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
return 1
`,
);

/** Releases the prune lock if this pruner still holds it. KEYS: lock. ARGV: token. */
export const unlockScript = defineScript(
  'unlockPrune',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);
