import type { Redis as RedisClient } from 'ioredis';

/**
 * The shared window in Redis, as Lua scripts (each one atomic). Times come from Redis's clock, so replicas whose
 * clocks disagree still agree on the window. Keys per resource: a sorted set of requests — `f:` ours, scored
 * with a lease while in flight (in case their process dies) and with their finish time once finished; `p:` usage
 * GHL reported that no replica made, scored like a finished request — a hash of pace times per window, and the
 * daily count, which expires when GHL's day ends.
 *
 * Every script that changes state carries a deadline (Redis time): a command that reaches a Redis that was hung
 * after the client gave up on it does nothing, so a resumed Redis holds no slot nobody will finish.
 */

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: window, pace, day. ARGV: member, leaseMs, dailyMax, dayEndsInMs, deadline, n, then n × (max, interval,
 * burst). Returns {0, 0, now} granted, {1, waitMs, now}, {2, dayEndsInMs, now} daily budget spent, {3, 0, now} late.
 */
const ACQUIRE = `${NOW}
if now > tonumber(ARGV[5]) then return {3, 0, now} end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[3]) then return {2, redis.call('PTTL', KEYS[3]), now} end
local n = tonumber(ARGV[6])
local longest = 0
for i = 0, n - 1 do longest = math.max(longest, tonumber(ARGV[8 + 3 * i])) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
local paces = {}
for i = 0, n - 1 do
  local max, interval, burst = tonumber(ARGV[7 + 3 * i]), tonumber(ARGV[8 + 3 * i]), tonumber(ARGV[9 + 3 * i])
  local spacing = interval / max
  local since = '(' .. (now - interval)
  local used = redis.call('ZCOUNT', KEYS[1], since, '+inf')
  if used >= max then
    -- Finished requests leave in order; one still in flight only after it finishes, so poll at the pace.
    local nth = redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf', 'WITHSCORES', 'LIMIT', used - max, 1)
    local at = tonumber(nth[2])
    if at > now and string.sub(nth[1], 1, 2) == 'f:' then wait = math.max(wait, spacing) else wait = math.max(wait, at + interval - now) end
  end
  local field = max .. '/' .. interval
  local pace = math.max(tonumber(redis.call('HGET', KEYS[2], field) or '0'), now)
  wait = math.max(wait, pace - now - (burst - 1) * spacing)
  paces[#paces + 1] = field
  paces[#paces + 1] = string.format('%.3f', pace + spacing)
end
if wait > 0 then return {1, math.ceil(wait), now} end
local lease = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now + lease, ARGV[1])
if redis.call('PTTL', KEYS[1]) < lease + longest then redis.call('PEXPIRE', KEYS[1], lease + longest) end
redis.call('HSET', KEYS[2], unpack(paces))
redis.call('PEXPIRE', KEYS[2], 2 * longest)
if redis.call('INCR', KEYS[3]) == 1 or redis.call('PTTL', KEYS[3]) < 0 then redis.call('PEXPIRE', KEYS[3], ARGV[4]) end
return {0, 0, now}
`;

/**
 * Ends a request's slot and records what GHL said. KEYS: window, day. ARGV: member, deadline, interval of GHL's
 * window, used (-1: not said), until, countedAfter, dailyUsed (-1: not said), dayEndsInMs, dayReset (1: GHL said
 * when its day ends). Usage GHL counted beyond the requests counting after `countedAfter` is added, counting in
 * GHL's window until `until`.
 */
const FINISH = `${NOW}
if now > tonumber(ARGV[2]) then return 3 end
redis.call('ZADD', KEYS[1], 'XX', now, ARGV[1])
local used = tonumber(ARGV[4])
if used >= 0 then
  local interval, untilAt = tonumber(ARGV[3]), tonumber(ARGV[5])
  local known = redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[6], '+inf')
  for i = known + 1, used do redis.call('ZADD', KEYS[1], untilAt - interval, 'p:' .. ARGV[1] .. ':' .. i) end
  if used > known and redis.call('PTTL', KEYS[1]) < untilAt - now then redis.call('PEXPIRE', KEYS[1], math.ceil(untilAt - now)) end
end
local dailyUsed = tonumber(ARGV[7])
if dailyUsed > tonumber(redis.call('GET', KEYS[2]) or '0') then redis.call('SET', KEYS[2], dailyUsed, 'PX', ARGV[8]) end
if ARGV[9] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[8]) end
return 0
`;

/**
 * Hands this process's requests over to the shared window when Redis is back: those Redis has are corrected (a
 * finish it missed), those it lacks are added — and as many placeholders dropped, latest first, since usage GHL
 * reported meanwhile stood in for them. KEYS: window, day. ARGV: deadline, leaseMs, longest, dayEndsInMs, then
 * pairs (member, finished this many ms ago; -1 in flight; -2 cancelled). Returns the number added, or -1 late.
 */
const MERGE = `${NOW}
if now > tonumber(ARGV[1]) then return -1 end
local lease = tonumber(ARGV[2])
local added = 0
for i = 5, #ARGV, 2 do
  local ago = tonumber(ARGV[i + 1])
  if ago == -2 then
    if redis.call('ZREM', KEYS[1], ARGV[i]) == 1 then redis.call('DECR', KEYS[2]) end
  else
    local score = now + lease
    if ago >= 0 then score = now - ago end
    added = added + redis.call('ZADD', KEYS[1], score, ARGV[i])
  end
end
if added > 0 then
  local dropped = 0
  for _, member in ipairs(redis.call('ZREVRANGE', KEYS[1], 0, -1)) do
    if dropped >= added then break end
    if string.sub(member, 1, 2) == 'p:' then
      redis.call('ZREM', KEYS[1], member)
      dropped = dropped + 1
    end
  end
  if redis.call('INCRBY', KEYS[2], added) == added then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
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
  ghlAcquire(window: string, pace: string, day: string, ...args: (string | number)[]): Promise<[number, number, number]>;
  ghlFinish(window: string, day: string, ...args: (string | number)[]): Promise<number>;
  ghlMerge(window: string, day: string, ...args: (string | number)[]): Promise<number>;
  ghlCancel(window: string, day: string, member: string): Promise<number>;
}

export function defineScripts(redis: RedisClient): ScriptedRedis {
  redis.defineCommand('ghlAcquire', { numberOfKeys: 3, lua: ACQUIRE });
  redis.defineCommand('ghlFinish', { numberOfKeys: 2, lua: FINISH });
  redis.defineCommand('ghlMerge', { numberOfKeys: 2, lua: MERGE });
  redis.defineCommand('ghlCancel', { numberOfKeys: 2, lua: CANCEL });
  return redis as ScriptedRedis;
}
