import type { Redis as RedisClient } from 'ioredis';

/**
 * The shared window in Redis, as Lua scripts (each one atomic). Times come from Redis's clock, so replicas whose
 * clocks disagree still agree on the window. Keys per resource: a sorted set of our requests (`f:` members), scored
 * with a lease while in flight (in case their process dies) and with their finish time once finished; a hash of
 * state — pace times per window, GHL's latest count of others' usage (`r:at`, `r:count`, `r:interval`), a
 * Retry-After (`blocked`) — and the daily count, which expires when GHL's day ends.
 *
 * Every script that changes state carries a deadline (Redis time): a command that reaches a Redis that was hung
 * after the client gave up on it does nothing, so a resumed Redis holds no slot nobody will finish.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: window, state, day. ARGV: member, leaseMs, dailyMax, dayEndsInMs, deadline, n, then n × (max, interval,
 * burst), GHL's window first. Returns {0, 0, now} granted, {1, waitMs, now}, {2, dayEndsInMs, now} daily budget
 * spent, {3, 0, now} too late.
 */
const ACQUIRE = `${NOW}
if now > tonumber(ARGV[5]) then return {3, 0, now} end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then return {2, redis.call('PTTL', KEYS[3]), now} end
local n = tonumber(ARGV[6])
local longest = 0
for i = 0, n - 1 do longest = math.max(longest, tonumber(ARGV[8 + 3 * i])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local state = redis.call('HGETALL', KEYS[2])
local field = {}
for i = 1, #state, 2 do field[state[i]] = tonumber(state[i + 1]) end
local wait = (field['blocked'] or 0) - now
local othersLeave = (field['r:at'] or 0) + (field['r:interval'] or 0)
local paces = {}
for i = 0, n - 1 do
  local max, interval, burst = tonumber(ARGV[7 + 3 * i]), tonumber(ARGV[8 + 3 * i]), tonumber(ARGV[9 + 3 * i])
  local spacing = interval / max
  local counting = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - interval), '+inf', 'WITHSCORES')
  local others = 0
  if i == 0 and othersLeave > now then others = field['r:count'] or 0 end
  local excess = #counting / 2 + others - max + 1
  -- Our finished requests leave in order, others' usage all at once; in-flight ones only after they finish.
  local j = 1
  while excess > 0 do
    local ownLeaves = math.huge
    if counting[j] and tonumber(counting[j + 1]) <= now then ownLeaves = tonumber(counting[j + 1]) + interval end
    local leaves = ownLeaves
    if others > 0 and othersLeave <= ownLeaves then leaves = othersLeave end
    if leaves == math.huge then
      wait = math.max(wait, spacing)
      break
    end
    if leaves == othersLeave and others > 0 then
      excess = excess - others
      others = 0
    else
      excess = excess - 1
      j = j + 2
    end
    wait = math.max(wait, leaves - now)
  end
  local key = max .. '/' .. interval
  local pace = math.max(field[key] or 0, now)
  wait = math.max(wait, pace - now - (burst - 1) * spacing)
  paces[#paces + 1] = key
  paces[#paces + 1] = string.format('%.3f', pace + spacing)
end
if wait > 0 then return {1, math.ceil(wait), now} end
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease + longest then redis.call('PEXPIRE', KEYS[1], lease + longest) end
redis.call('HSET', KEYS[2], unpack(paces))
if redis.call('PTTL', KEYS[2]) < 2 * longest then redis.call('PEXPIRE', KEYS[2], 2 * longest) end
if redis.call('INCR', KEYS[3]) == 1 or redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
return {0, 0, now}
`;

/**
 * Ends a request's slot and records what GHL said. KEYS: window, state, day. ARGV: member, deadline, interval of
 * GHL's window, used (-1: not said), anchor (when the request was sent, Redis time), limited (1: a 429), blockMs
 * (-1: no Retry-After), dailyUsed (-1: not said), dayEndsInMs, dayReset (1: GHL said when its day ends).
 * GHL's count beyond the requests here that count at `anchor` is others' usage, until `anchor + interval` or a
 * newer count.
 */
const FINISH = `${NOW}
if now > tonumber(ARGV[2]) then return 3 end
-- A request GHL refused (429) was never counted by GHL: it leaves the window at once.
if ARGV[6] == '1' then redis.call('ZREM', KEYS[1], ARGV[1]) else redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1]) end
local interval, used, anchor = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if used >= 0 and anchor >= tonumber(redis.call('HGET', KEYS[2], 'r:at') or '0') then
  local known = redis.call('ZCOUNT', KEYS[1], '(' .. (anchor - interval), '+inf')
  redis.call('HSET', KEYS[2], 'r:at', anchor, 'r:count', math.max(0, used - known), 'r:interval', interval)
  if redis.call('PTTL', KEYS[2]) < 2 * interval then redis.call('PEXPIRE', KEYS[2], 2 * interval) end
end
local block = tonumber(ARGV[7])
if block > 0 and now + block > tonumber(redis.call('HGET', KEYS[2], 'blocked') or '0') then
  redis.call('HSET', KEYS[2], 'blocked', now + block)
  if redis.call('PTTL', KEYS[2]) < block then redis.call('PEXPIRE', KEYS[2], block) end
end
local dailyUsed = tonumber(ARGV[8])
if dailyUsed > tonumber(redis.call('GET', KEYS[3]) or '0') then redis.call('SET', KEYS[3], dailyUsed, 'PX', ARGV[9]) end
if ARGV[10] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[9]) end
return 0
`;

/**
 * Hands this process's requests over to the shared window when Redis is back: those Redis has are corrected (a
 * finish it missed), those it lacks are added (and counted for the day). Others' usage is what this process last
 * heard from GHL, less the requests other processes have handed over already, unless a newer count is there; a
 * count made before this handover held these requests as others' usage, so it loses as many as were added.
 * KEYS: window, state, day. ARGV: deadline, leaseMs, longest, dayEndsInMs, others' anchor (0: none), count,
 * interval, this process's member prefix, then pairs (member, finished this many ms ago; -1 in flight; -2
 * cancelled). Returns the number added, or -1 too late.
 */
const MERGE = `${NOW}
if now > tonumber(ARGV[1]) then return -1 end
local anchor, interval = tonumber(ARGV[5]), tonumber(ARGV[7])
local seeded = false
if anchor > 0 and anchor > tonumber(redis.call('HGET', KEYS[2], 'r:at') or '0') then
  local handed = 0
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. (now - interval), '+inf')) do
    if string.sub(member, 1, #ARGV[8]) ~= ARGV[8] then handed = handed + 1 end
  end
  redis.call('HSET', KEYS[2], 'r:at', anchor, 'r:count', math.max(0, tonumber(ARGV[6]) - handed), 'r:interval', interval)
  if redis.call('PTTL', KEYS[2]) < 2 * interval then redis.call('PEXPIRE', KEYS[2], 2 * interval) end
  seeded = true
end
local lease = tonumber(ARGV[2])
local added = 0
for i = 9, #ARGV, 2 do
  local ago = tonumber(ARGV[i + 1])
  if ago == -2 then
    if redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then redis.call('DECR', KEYS[3]) end
  else
    local score = now + lease
    if ago >= 0 then score = now - ago end
    added = added + redis.call('ZADD', KEYS[1], score, ARGV[i])
  end
end
if added > 0 then
  if not seeded then
    local others = tonumber(redis.call('HGET', KEYS[2], 'r:count') or '0')
    if others > 0 then redis.call('HSET', KEYS[2], 'r:count', math.max(0, others - added)) end
  end
  if redis.call('INCRBY', KEYS[3], added) == added then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
  local keep = lease + tonumber(ARGV[3])
  if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
end
return added
`;

/** A slot that was never used gives its place (and its daily count) back. KEYS: window, day. ARGV: member. */
const CANCEL = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then redis.call('DECR', KEYS[2]) end
return 0
`;

export interface ScriptedRedis extends RedisClient {
  ghlAcquire(window: string, state: string, day: string, ...args: (string | number)[]): Promise<[number, number, number]>;
  ghlFinish(window: string, state: string, day: string, ...args: (string | number)[]): Promise<number>;
  ghlMerge(window: string, state: string, day: string, ...args: (string | number)[]): Promise<number>;
  ghlCancel(window: string, day: string, member: string): Promise<number>;
}

export function defineScripts(redis: RedisClient): ScriptedRedis {
  redis.defineCommand('ghlAcquire', { numberOfKeys: 3, lua: ACQUIRE });
  redis.defineCommand('ghlFinish', { numberOfKeys: 3, lua: FINISH });
  redis.defineCommand('ghlMerge', { numberOfKeys: 3, lua: MERGE });
  redis.defineCommand('ghlCancel', { numberOfKeys: 2, lua: CANCEL });
  return redis as ScriptedRedis;
}
