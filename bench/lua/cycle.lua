-- wrk script for bench/cache-zipf.sh: asks for objects 0, 1, ..., BENCH_CYCLE_OBJECTS - 1 under
-- BENCH_ZIPF_PREFIX in turn and starts again, so the whole catalogue keeps passing through the
-- cache. Run it with one thread (-t1).

local objects = tonumber(os.getenv("BENCH_CYCLE_OBJECTS"))
local prefix = os.getenv("BENCH_ZIPF_PREFIX") or "/"
local next_object = 0

request = function()
  local path = string.format("%so%05d.bin", prefix, next_object)
  next_object = (next_object + 1) % objects
  return wrk.format("GET", path)
end
