-- One rate-limit decision, atomic in Redis (ADR 0007): a token bucket written as GCRA, so a client's
-- whole bucket is one number, the time at which it would be full again ("theoretical arrival time").
-- Time comes from the Redis server, never from a gateway, so replicas with skewed clocks agree. The
-- key expires when the bucket is full again: an absent key and a full bucket are the same thing.
--
-- KEYS[1]  the bucket: route group and client
-- ARGV[1]  microseconds per token (1e6 / rate)
-- ARGV[2]  burst: tokens the bucket holds
-- Returns {allowed (1 or 0), whole tokens left, ms until a token is back (0 when allowed),
--          ms until the bucket is full}.
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local full_at = tonumber(redis.call('GET', KEYS[1]) or now) or now
-- Time the bucket needs to be full again: the tokens taken, as time.
local backlog = math.max(full_at - now, 0)
local capacity = burst * interval
-- One microsecond of slack absorbs rounding of fractional intervals.
local allowed = backlog + interval <= capacity + 1
local retry_us = 0
if allowed then
    backlog = backlog + interval
    -- %.0f: tostring() would round a microsecond timestamp to 14 digits.
    redis.call('SET', KEYS[1], string.format('%.0f', now + backlog), 'PX', math.ceil(backlog / 1000))
else
    retry_us = backlog + interval - capacity
end
local remaining = math.max(0, math.floor((capacity - backlog + 1) / interval))
return {allowed and 1 or 0, remaining, math.ceil(retry_us / 1000), math.ceil(backlog / 1000)}
