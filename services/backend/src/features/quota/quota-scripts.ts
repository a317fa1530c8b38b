/**
 * The two Redis scripts of the quota. Each runs atomically inside Redis, so checking a
 * limit and taking from it is one step: 100 concurrent requests against 20 remaining let
 * exactly 20 through, whichever replicas they reach.
 *
 * Today's counters of a user live in one hash, cg:q:<user>:<day>:
 *   req  requests admitted          tok  tokens used + tokens reserved by requests in flight
 *   pt   prompt tokens used         ct   completion tokens used
 */

/**
 * KEYS[1] the user's quota hash for today, KEYS[2] the key's counter for this minute.
 * ARGV: request limit, token limit (-1 = unlimited), tokens to reserve, rpm limit (-1),
 *       seed req, seed pt, seed ct (-1 = not loaded yet), quota TTL s, rate window ms.
 * Returns {1, req, tok} admitted; {0, reason, a, b} refused; {-1} when the day's counters
 * are not in Redis yet and must be loaded from Postgres (then it is called again with them).
 */
export const RESERVE = `
local quota, rate = KEYS[1], KEYS[2]
local reqLimit, tokLimit, est, rpm = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('EXISTS', quota) == 0 then
  if tonumber(ARGV[5]) < 0 then return {-1} end
  local pt, ct = tonumber(ARGV[6]), tonumber(ARGV[7])
  redis.call('HSET', quota, 'req', ARGV[5], 'tok', pt + ct, 'pt', pt, 'ct', ct)
  redis.call('EXPIRE', quota, ARGV[8])
end
if rpm >= 0 then
  local used = tonumber(redis.call('GET', rate) or '0')
  if used >= rpm then return {0, 'rate', used, redis.call('PTTL', rate)} end
end
local req = tonumber(redis.call('HGET', quota, 'req') or '0')
local tok = tonumber(redis.call('HGET', quota, 'tok') or '0')
if reqLimit >= 0 and req >= reqLimit then return {0, 'requests', req, tok} end
if tokLimit >= 0 and tok + est > tokLimit then return {0, 'tokens', req, tok} end
redis.call('HINCRBY', quota, 'req', 1)
redis.call('HINCRBY', quota, 'tok', est)
if rpm >= 0 then
  if redis.call('INCR', rate) == 1 then redis.call('PEXPIRE', rate, ARGV[9]) end
end
return {1, req + 1, tok + est}
`;

/**
 * KEYS[1] the quota hash the reservation was made in.
 * ARGV: tokens reserved, prompt tokens used, completion tokens used, 1 to give the request back.
 * Replaces the reservation by the real usage.
 */
export const SETTLE = `
local quota = KEYS[1]
if redis.call('EXISTS', quota) == 0 then return 0 end
local est, pt, ct = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('HINCRBY', quota, 'tok', pt + ct - est)
redis.call('HINCRBY', quota, 'pt', pt)
redis.call('HINCRBY', quota, 'ct', ct)
if ARGV[4] == '1' then redis.call('HINCRBY', quota, 'req', -1) end
return 1
`;
