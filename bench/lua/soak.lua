-- wrk script for bench/soak.sh: a paced request stream that counts answers by what was expected.
--
-- Environment (all optional):
--   SOAK_DELAY_MS        pause before each request on a connection (paces the load; default 0)
--   SOAK_RANGE_OBJECT_BYTES and SOAK_RANGE_BYTES
--                        every request asks for a random range of SOAK_RANGE_BYTES inside an
--                        object of SOAK_RANGE_OBJECT_BYTES (expected answer 206)
--   SOAK_MISSING=1       every request asks for a key that does not exist, next to the URL's one
--                        (expected answer 404)
--
-- After wrk's summary it prints one line:
--   SOAK requests=N ok=N unexpected=N errors_connect=N errors_read=N errors_write=N errors_timeout=N
-- where ok counts the expected answers (200 or 206 on the object, 404 on a missing key) and
-- unexpected every other one (a 5xx, a 403, a 404 on the object...).

local delay_ms = tonumber(os.getenv("SOAK_DELAY_MS") or "") or 0
local object_bytes = tonumber(os.getenv("SOAK_RANGE_OBJECT_BYTES") or "")
local range_bytes = tonumber(os.getenv("SOAK_RANGE_BYTES") or "")
local missing = os.getenv("SOAK_MISSING") == "1"

local threads = {}

setup = function(thread)
  table.insert(threads, thread)
end

local headers = {}
local missing_prefix
local sent = 0

init = function(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  missing_prefix = string.gsub(wrk.path, "[^/]*$", "") .. "soak-missing-"
  ok = 0
  unexpected = 0
end

delay = function()
  return delay_ms
end

request = function()
  sent = sent + 1
  if missing then
    return wrk.format(nil, missing_prefix .. sent, headers)
  end
  if object_bytes and range_bytes then
    local slots = math.floor(object_bytes / range_bytes)
    local first = (math.random(slots) - 1) * range_bytes
    headers["Range"] = string.format("bytes=%d-%d", first, first + range_bytes - 1)
  end
  return wrk.format(nil, nil, headers)
end

response = function(status, headers, body)
  local good
  if missing then
    good = status == 404
  else
    good = status == 200 or status == 206
  end
  if good then
    ok = ok + 1
  else
    unexpected = unexpected + 1
  end
end

done = function(summary, latency, requests)
  local total_ok, total_unexpected = 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + (thread:get("ok") or 0)
    total_unexpected = total_unexpected + (thread:get("unexpected") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    "SOAK requests=%d ok=%d unexpected=%d errors_connect=%d errors_read=%d errors_write=%d " ..
    "errors_timeout=%d\n",
    summary.requests, total_ok, total_unexpected, e.connect, e.read, e.write, e.timeout))
end
