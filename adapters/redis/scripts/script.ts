import { hash } from 'node:crypto';

/** A Lua script and its SHA-1, the name EVALSHA calls it by. */
export interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
  /** `EVALSHA_RO` / `EVAL_RO` for scripts that only read: Redis itself refuses any write in them. */
  readonly evalsha: 'EVALSHA' | 'EVALSHA_RO';
  readonly eval: 'EVAL' | 'EVAL_RO';
}

/**
 * Helpers several scripts share, prepended to their source. Numbers are written with
 * `fmt` because Lua's `tostring` turns a millisecond timestamp into `1.7953562619694e+12`.
 */
const HELPERS = `
local function fmt(n)
  if n == math.floor(n) and n > -9007199254740992 and n < 9007199254740992 then return string.format('%.0f', n) end
  return string.format('%.17g', n)
end
local function keepUntil(key, at)
  if redis.call('PEXPIRETIME', key) < at then redis.call('PEXPIREAT', key, fmt(at)) end
end
local function deny(userPrefix, queue, id, user, till)
  local denied = userPrefix .. user .. ':d'
  redis.call('ZADD', denied, 'GT', till, id)
  keepUntil(denied, tonumber(till))
  redis.call('ZADD', queue, 'GT', till, 'd ' .. id .. ' ' .. user)
end
-- An activity entry of one owner (base = the owner's key prefix, owner = its member in the
-- bucket's activity queue): ordered by id in :a, kept in :A, by time in :at for prune.
local function note(base, queue, owner, id, json, at)
  redis.call('ZADD', base .. 'a', 0, id)
  redis.call('HSET', base .. 'A', id, json)
  redis.call('ZADD', base .. 'at', at, id)
  redis.call('ZADD', queue, 'LT', at, owner)
end
-- A tenant's epochs key (see layout.ts), for scripts that meet a tenant in a row.
local function tenantKey(prefix, tenant, suffix)
  return prefix .. '{~' .. string.sub(redis.sha1hex(tenant), 1, 4) .. '}:t:' .. tenant .. ':' .. suffix
end
`;

/** Wraps a script body with the shared helpers and computes its SHA-1 once. */
export function defineScript(name: string, body: string, options: { readOnly?: boolean } = {}): Script {
  const source = `${HELPERS}\n${body.trim()}\n`;
  const readOnly = options.readOnly === true;
  return { name, source, sha: hash('sha1', source, 'hex'), evalsha: readOnly ? 'EVALSHA_RO' : 'EVALSHA', eval: readOnly ? 'EVAL_RO' : 'EVAL' };
}
