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
 */

/** Every ARGV an integer of at most 15 digits, none below `min`. */
const checkArgs = (min: number) => `
for i = 1, #ARGV do
  local a = ARGV[i]
  if #a > 16 or not string.match(a, '^%-?%d%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?%d?$') or tonumber(a) < ${min} then
    return redis.error_reply('ERR quota script argument ' .. i .. ' is not an integer in range')
  end
end
local function int(n) return string.format('%d', n) end
`;

/**
 * KEYS[1] the user's quota hash for today, KEYS[2] the key's counter for this minute,
 * KEYS[3] the cluster's recovery window (set while workers add what they counted in
 * Postgres during a Redis outage: the counters here are not complete yet).
 * ARGV: request limit, token limit (-1 = unlimited), tokens to reserve, rpm limit (-1),
 *       seed req, seed pt, seed ct (-1 = not loaded yet), quota TTL s, rate window ms.
 * Returns {1, req, tok} admitted; {0, reason, a, b} refused; {-1} when the day's counters
 * are not in Redis yet and must be loaded from Postgres (then it is called again with
 * them); {-2} during a recovery window (the caller admits through Postgres).
 */
export const RESERVE = `${checkArgs(-1)}
if redis.call('EXISTS', KEYS[3]) == 1 then return {-2} end
local quota, rate = KEYS[1], KEYS[2]
local reqLimit, tokLimit, est, rpm = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
if redis.call('EXISTS', quota) == 0 then
  if tonumber(ARGV[5]) < 0 then return {-1} end
  local pt, ct = tonumber(ARGV[6]), tonumber(ARGV[7])
  redis.call('HSET', quota, 'req', ARGV[5], 'tok', int(pt + ct), 'pt', ARGV[6], 'ct', ARGV[7])
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
redis.call('HINCRBY', quota, 'tok', ARGV[3])
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
export const SETTLE = `${checkArgs(0)}
local quota = KEYS[1]
if redis.call('EXISTS', quota) == 0 then return 0 end
local est, pt, ct = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('HINCRBY', quota, 'tok', int(pt + ct - est))
redis.call('HINCRBY', quota, 'pt', ARGV[2])
redis.call('HINCRBY', quota, 'ct', ARGV[3])
if ARGV[4] == '1' then redis.call('HINCRBY', quota, 'req', -1) end
return 1
`;

/**
 * KEYS[1] a day's quota hash. ARGV: changes to req, tok, pt and ct (possibly negative)
 * that this worker made in Postgres, or could not settle, while Redis took no writes.
 */
export const CATCH_UP = `${checkArgs(-999_999_999_999_999)}
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'req', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'tok', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'pt', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'ct', ARGV[4])
return 1
`;
