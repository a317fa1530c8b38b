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
 *
 * Leases (quota-leases.ts): a worker serving a busy customer far from every limit reserves
 * a block of requests at once and spends it without asking Redis again. The block counts in
 * req, tok and cr like the requests it stands for, so no limit can be passed whatever the
 * workers do with it; lreq, ltok and lcr say how much of those counts is held by leases
 * and not settled yet (what /v1/usage leaves out), and the fields L<id>r, L<id>t, L<id>c
 * what lease <id> still holds. cg:q:<user>:<day>:leases scores each lease by when it is
 * reclaimed: a lease its worker did not give back by then (the worker died) is given back
 * by the next reservation of that user's day.
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

/** A lease holds at most this share of what is left of any limited unit (1/16). */
export const LEASE_SHARE = 16;
/** The largest count a script takes or writes (15 digits); quota-service.ts refuses a request asking more before Redis. */
export const MAX_COUNT = 999_999_999_999_999;

/**
 * Closes lease `id` of a day: gives `back` (what it held and nobody drew; default all it
 * holds, for a lease reclaimed) back to the counters, and forgets it. What was drawn and
 * not settled stays counted, as plain reservations. 0 when the lease is gone already.
 */
const CLOSE_LEASE = `
local function closeLease(quota, leases, id, back)
  local f = {'L' .. id .. 'r', 'L' .. id .. 't', 'L' .. id .. 'c'}
  local held = redis.call('HMGET', quota, f[1], f[2], f[3])
  redis.call('ZREM', leases, id)
  if not held[1] then return 0 end
  back = back or held
  for i, field in ipairs({'req', 'tok', 'cr'}) do
    redis.call('HINCRBY', quota, field, int(-tonumber(back[i])))
    redis.call('HINCRBY', quota, 'l' .. field, int(-tonumber(held[i])))
  end
  redis.call('HDEL', quota, f[1], f[2], f[3])
  return 1
end
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
 * 23 how long a stream's slot lasts (ms); 24 the lease wanted, in requests (1: none); 25
 * when a lease is reclaimed (epoch ms); 26 the request id (also the lease's id).
 * KEYS[7]: the day's leases (see above).
 * Returns {1, req, tok, start5h, startWeek, req5h, tok5h, reqWeek, tokWeek, rate, lease}
 * admitted (start 0: window not tracked, its counts 0; rate: this minute's requests, -1
 * unlimited; lease: the requests granted, this one included, 1 without a lease): the
 * counts after this request, which the rate-limit headers tell (headroom.ts);
 * {0, reason, window, used, resetMs} refused (reason requests|tokens|credits|rate|streams,
 * window day|five_hour|week|minute|key; resetMs 0 = the business day's end);
 * {-1} when today's counters are not in Redis yet and must be loaded from Postgres (then
 * it is called again with them); {-2} during a recovery window (admit through Postgres).
 *
 * A lease is granted only where no window but the day is tracked, with no rate or
 * open-stream limit, and shrinks with what is left: at most 1/LEASE_SHARE of what remains
 * of every limited unit (so far from a limit, many workers' leases together hold a small
 * part of it); below two requests' worth, the request reserves alone, exactly as without
 * leases.
 */
export const RESERVE = `${checkArgs(-1, 1)}${CLOSE_LEASE}
if redis.call('EXISTS', KEYS[3]) == 1 then return {-2} end
local quota, rate, streams, leases = KEYS[1], KEYS[2], KEYS[6], KEYS[7]
local n = {}
for i = 1, 25 do n[i] = tonumber(ARGV[i]) end
local est, estCr, now = n[4], n[5], n[13]
if redis.call('EXISTS', quota) == 0 then
  if n[7] < 0 then return {-1} end
  redis.call('HSET', quota, 'req', ARGV[7], 'tok', int(n[8] + n[9]), 'pt', ARGV[8], 'ct', ARGV[9], 'cr', ARGV[10])
  redis.call('EXPIRE', quota, ARGV[11])
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', leases, '-inf', now)) do closeLease(quota, leases, id) end
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
local dayUsed = counts(redis.call('HMGET', quota, ${COUNTERS}), 0)
local refused = over('day', dayUsed, {n[1], n[2], n[3]}, 0)
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
local lease = 1
if n[24] > 1 and n[6] < 0 and n[22] < 0 and windows[1][7] == nil and windows[2][7] == nil then
  lease = n[24]
  local dayLimits = {n[1], n[2], n[3]}
  for i = 1, #units do
    if dayLimits[i] >= 0 and asks[i] > 0 then
      lease = math.min(lease, math.floor((dayLimits[i] - dayUsed[i]) / (${LEASE_SHARE} * asks[i])))
    end
  end
  if lease < 2 or est * lease > ${MAX_COUNT} or estCr * lease > ${MAX_COUNT} then lease = 1 end
end
redis.call('HINCRBY', quota, 'req', lease)
redis.call('HINCRBY', quota, 'tok', int(est * lease))
redis.call('HINCRBY', quota, 'cr', int(estCr * lease))
if lease > 1 then
  local id = ARGV[26]
  redis.call('HINCRBY', quota, 'lreq', lease)
  redis.call('HINCRBY', quota, 'ltok', int(est * lease))
  redis.call('HINCRBY', quota, 'lcr', int(estCr * lease))
  redis.call('HSET', quota, 'L' .. id .. 'r', lease, 'L' .. id .. 't', int(est * lease), 'L' .. id .. 'c', int(estCr * lease))
  redis.call('ZADD', leases, ARGV[25], id)
  redis.call('EXPIRE', leases, ARGV[11])
end
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
  redis.call('ZADD', streams, int(now + n[23]), ARGV[26])
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
  after[1], after[2], after[3], after[4], minute, lease}
`;

/**
 * KEYS: 1 the day's hash the reservation was made in, 2 the 5-hour window, 3 the weekly
 * window, 4 the key's open streams, 5 the day's leases.
 * ARGV: 1 tokens and 2 credits reserved; 3 prompt and 4 completion tokens used; 5 credits
 * spent; 6 1 to give the request back; 7 and 8 the 5-hour and weekly windows' starts the
 * reservation was made in (0 = not tracked: a window that has begun again since is left
 * alone); 9 the request id; 10 the lease it was drawn from ('' = none).
 * Replaces the reservation by the real usage. A request drawn from a lease leaves it; if
 * the lease was reclaimed meanwhile (its reservation given back), the request is counted
 * afresh.
 */
export const SETTLE = `${checkArgs(0, 2)}
local est, estCr, pt, ct, cr = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local lease, leaseField = ARGV[10], 'L' .. ARGV[10]
local function settle(key)
  redis.call('HINCRBY', key, 'tok', int(pt + ct - est))
  redis.call('HINCRBY', key, 'cr', int(cr - estCr))
  if ARGV[6] == '1' then redis.call('HINCRBY', key, 'req', -1) end
end
redis.call('ZREM', KEYS[4], ARGV[9])
if redis.call('EXISTS', KEYS[1]) == 1 then
  if lease ~= '' and redis.call('HEXISTS', KEYS[1], leaseField .. 'r') == 0 then
    if ARGV[6] ~= '1' then redis.call('HINCRBY', KEYS[1], 'req', 1) end
    redis.call('HINCRBY', KEYS[1], 'tok', int(pt + ct))
    redis.call('HINCRBY', KEYS[1], 'cr', ARGV[5])
  else
    settle(KEYS[1])
    if lease ~= '' then
      local left = {}
      for i, d in ipairs({{'r', 'req', -1}, {'t', 'tok', -est}, {'c', 'cr', -estCr}}) do
        left[i] = redis.call('HINCRBY', KEYS[1], leaseField .. d[1], int(d[3]))
        redis.call('HINCRBY', KEYS[1], 'l' .. d[2], int(d[3]))
      end
      if left[1] == 0 and left[2] == 0 and left[3] == 0 then
        redis.call('HDEL', KEYS[1], leaseField .. 'r', leaseField .. 't', leaseField .. 'c')
        redis.call('ZREM', KEYS[5], lease)
      end
    end
  end
  redis.call('HINCRBY', KEYS[1], 'pt', ARGV[3])
  redis.call('HINCRBY', KEYS[1], 'ct', ARGV[4])
end
for i = 2, 3 do
  if ARGV[5 + i] ~= '0' and redis.call('HGET', KEYS[i], 's') == ARGV[5 + i] then settle(KEYS[i]) end
end
return 1
`;

/**
 * KEYS: 1 the day's hash, 2 the day's leases. ARGV: 1 requests, 2 tokens, 3 credits the
 * lease still holds undrawn; 4 the lease's id.
 * Gives a lease back (its worker is done with it): what nobody drew returns to the
 * counters; what was drawn and not settled stays as plain reservations. 1 if it was
 * closed here, 0 if it was gone (reclaimed: then its requests in flight count afresh).
 */
export const RETURN_LEASE = `${checkArgs(0, 1)}${CLOSE_LEASE}
return closeLease(KEYS[1], KEYS[2], ARGV[4], {ARGV[1], ARGV[2], ARGV[3]})
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
