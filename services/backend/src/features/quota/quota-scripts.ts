/**
 * The Redis scripts of the quota. Each runs atomically inside Redis, so checking a limit
 * and taking from it is one step: 100 concurrent requests against 20 remaining let
 * exactly 20 through, whichever replicas they reach.
 *
 * Redis does not roll a script back when it fails halfway, so every script checks all of
 * its arguments before its first write: it does all of its writes or none. Arguments are
 * integer strings of at most 15 digits (far above any real count, far below 2^53, where
 * Lua's doubles stop being exact), and numbers computed here are written with %d, never
 * in the exponent notation HINCRBY refuses.
 *
 * Today's counters of a user live in one hash, cg:q:<user>:<day>:
 *   req  requests admitted          tok  tokens used + tokens reserved by requests in flight
 *   pt   prompt tokens used         ct   completion tokens used
 *   cr   credits (micro-dollars) spent + reserved
 * The 5-hour and weekly windows live in cg:w5:<user> and cg:w7:<user>: s (the window's
 * start, epoch ms), req, tok, cr. A window begins with the first request after the last
 * one ended and is tracked only for a plan that limits it. A key's open streams are a
 * sorted set of request ids scored by when their slot lapses (a crashed worker's slot
 * frees itself).
 */

import { luaDecision } from './limit-decision.js';
import { LIMIT_UNITS, type LimitUnit } from './limit-windows.js';

/** The hash fields that count each unit, in LIMIT_UNITS' order (as HMGET arguments). */
const FIELD: Record<LimitUnit, string> = { requests: 'req', tokens: 'tok', credits: 'cr' };
const COUNTERS = LIMIT_UNITS.map((u) => `'${FIELD[u]}'`).join(', ');

/** Every ARGV (but the last `trailing` ones, which are names) an integer of at most 15 digits, none below `min`. */
const checkArgs = (min: number, trailing = 0) => `
for i = 1, #ARGV - ${trailing} do
  local a = ARGV[i]
  if #a > 16 or not string.match(a, '^%-?%d%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?$') or tonumber(a) < ${min} then
    return redis.error_reply('ERR quota script argument ' .. i .. ' is not an integer in range')
  end
end
local function int(n) return string.format('%d', n) end
`;

/**
 * KEYS: 1 today's hash, 2 the key's counter for this minute, 3 the cluster's recovery
 * window (set while workers add what they counted in Postgres during a Redis outage: the
 * counters here are not complete yet), 4 the 5-hour window, 5 the weekly window, 6 the
 * key's open streams.
 * ARGV (-1 = no limit): 1–3 daily request, token, credit limits; 4 tokens and 5 credits to
 * reserve; 6 rpm limit; 7–10 seed req, pt, ct, cr (-1 = not loaded yet); 11 quota TTL s;
 * 12 rate window ms; 13 now (ms); 14–17 5-hour request, token, credit limits and length
 * (ms); 18–21 the same for the week; 22 open-stream limit (-1: none, or not a stream);
 * 23 how long a stream's slot lasts (ms); 24 the request id.
 * Returns {1, req, tok, start5h, startWeek, req5h, tok5h, reqWeek, tokWeek, rate} admitted
 * (start 0: window not tracked, its counts 0; rate: this minute's requests, -1 unlimited):
 * the counts after this request, which the rate-limit headers tell (headroom.ts);
 * {0, reason, window, used, resetMs} refused (reason requests|tokens|credits|rate|streams,
 * window day|five_hour|week|minute|key; resetMs 0 = the business day's end);
 * {-1} when today's counters are not in Redis yet and must be loaded from Postgres (then
 * it is called again with them); {-2} during a recovery window (admit through Postgres).
 */
export const RESERVE = `${checkArgs(-1, 1)}
if redis.call('EXISTS', KEYS[3]) == 1 then return {-2} end
local quota, rate, streams = KEYS[1], KEYS[2], KEYS[6]
local n = {}
for i = 1, 23 do n[i] = tonumber(ARGV[i]) end
local est, estCr, now = n[4], n[5], n[13]
if redis.call('EXISTS', quota) == 0 then
  if n[7] < 0 then return {-1} end
  redis.call('HSET', quota, 'req', ARGV[7], 'tok', int(n[8] + n[9]), 'pt', ARGV[8], 'ct', ARGV[9], 'cr', ARGV[10])
  redis.call('EXPIRE', quota, ARGV[11])
end
if n[6] >= 0 then
  local used = tonumber(redis.call('GET', rate) or '0')
  if used >= n[6] then return {0, 'rate', 'minute', used, redis.call('PTTL', rate)} end
end
if n[22] >= 0 then
  redis.call('ZREMRANGEBYSCORE', streams, '-inf', now)
  local open = redis.call('ZCARD', streams)
  if open >= n[22] then return {0, 'streams', 'key', open, 0} end
end
${luaDecision({ tokens: 'est', credits: 'estCr' })}
local function counts(h, from)
  local used = {}
  for i = 1, #units do used[i] = tonumber(h[from + i] or '0') end
  return used
end
local refused = over('day', counts(redis.call('HMGET', quota, ${COUNTERS}), 0), {n[1], n[2], n[3]}, 0)
if refused then return refused end
-- The windows: {key, length, limits…, start (false = begins with this request, and is
-- not checked: limit-decision.ts)}.
local windows = {{KEYS[4], n[17], n[14], n[15], n[16], 'five_hour'}, {KEYS[5], n[21], n[18], n[19], n[20], 'week'}}
for _, w in ipairs(windows) do
  if w[3] >= 0 or w[4] >= 0 or w[5] >= 0 then
    local h = redis.call('HMGET', w[1], 's', ${COUNTERS})
    local start = tonumber(h[1] or '')
    if start and now < start + w[2] then
      w[7] = start
      refused = over(w[6], counts(h, 1), {w[3], w[4], w[5]}, start + w[2])
      if refused then return refused end
    else
      w[7] = false
    end
  end
end
redis.call('HINCRBY', quota, 'req', 1)
redis.call('HINCRBY', quota, 'tok', ARGV[4])
redis.call('HINCRBY', quota, 'cr', ARGV[5])
local starts = {0, 0}
for i, w in ipairs(windows) do
  if w[7] ~= nil then
    if w[7] == false then
      w[7] = now
      redis.call('DEL', w[1])
      redis.call('HSET', w[1], 's', int(now), 'req', 0, 'tok', 0, 'cr', 0)
      redis.call('PEXPIRE', w[1], int(w[2] + 60000))
    end
    redis.call('HINCRBY', w[1], 'req', 1)
    redis.call('HINCRBY', w[1], 'tok', ARGV[4])
    redis.call('HINCRBY', w[1], 'cr', ARGV[5])
    starts[i] = w[7]
  end
end
if n[6] >= 0 then
  if redis.call('INCR', rate) == 1 then redis.call('PEXPIRE', rate, ARGV[12]) end
end
if n[22] >= 0 then
  redis.call('ZADD', streams, int(now + n[23]), ARGV[24])
  redis.call('PEXPIRE', streams, ARGV[23])
end
local after = {0, 0, 0, 0}
for i, w in ipairs(windows) do
  if starts[i] ~= 0 then
    after[2 * i - 1] = tonumber(redis.call('HGET', w[1], 'req'))
    after[2 * i] = tonumber(redis.call('HGET', w[1], 'tok'))
  end
end
local minute = -1
if n[6] >= 0 then minute = tonumber(redis.call('GET', rate) or '0') end
return {1, tonumber(redis.call('HGET', quota, 'req')), tonumber(redis.call('HGET', quota, 'tok')), starts[1], starts[2],
  after[1], after[2], after[3], after[4], minute}
`;

/**
 * KEYS: 1 the day's hash the reservation was made in, 2 the 5-hour window, 3 the weekly
 * window, 4 the key's open streams.
 * ARGV: 1 tokens and 2 credits reserved; 3 prompt and 4 completion tokens used; 5 credits
 * spent; 6 1 to give the request back; 7 and 8 the 5-hour and weekly windows' starts the
 * reservation was made in (0 = not tracked: a window that has begun again since is left
 * alone); 9 the request id.
 * Replaces the reservation by the real usage.
 */
export const SETTLE = `${checkArgs(0, 1)}
local est, estCr, pt, ct, cr = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function settle(key)
  redis.call('HINCRBY', key, 'tok', int(pt + ct - est))
  redis.call('HINCRBY', key, 'cr', int(cr - estCr))
  if ARGV[6] == '1' then redis.call('HINCRBY', key, 'req', -1) end
end
redis.call('ZREM', KEYS[4], ARGV[9])
if redis.call('EXISTS', KEYS[1]) == 1 then
  settle(KEYS[1])
  redis.call('HINCRBY', KEYS[1], 'pt', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'ct', ARGV[4])
end
for i = 2, 3 do
  if ARGV[5 + i] ~= '0' and redis.call('HGET', KEYS[i], 's') == ARGV[5 + i] then settle(KEYS[i]) end
end
return 1
`;

/**
 * KEYS[1] a day's quota hash. ARGV: changes to req, tok, pt, ct and cr (possibly negative)
 * that this worker made in Postgres, or could not settle, while Redis took no writes.
 */
export const CATCH_UP = `${checkArgs(-999_999_999_999_999)}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'req', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'tok', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'pt', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'ct', ARGV[4])
redis.call('HINCRBY', KEYS[1], 'cr', ARGV[5])
return 1
`;
