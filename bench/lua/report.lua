-- wrk script for bench/run.sh. After wrk's own summary it prints one RESULT line with the
-- figures the script records (latencies in microseconds, p95 and p99.9 included, which wrk does
-- not print by itself).
--
-- BENCH_RANGE_OBJECT_BYTES and BENCH_RANGE_BYTES set: every request asks for a random range of
-- BENCH_RANGE_BYTES inside an object of BENCH_RANGE_OBJECT_BYTES (a fixed seed per thread, so runs
-- ask for the same ranges).

local object_bytes = tonumber(os.getenv("BENCH_RANGE_OBJECT_BYTES") or "")
local range_bytes = tonumber(os.getenv("BENCH_RANGE_BYTES") or "")

if object_bytes and range_bytes then
  local slots = math.floor(object_bytes / range_bytes)
  local headers = {}

  init = function(args)
    math.randomseed(42)
    for name, value in pairs(wrk.headers) do
      headers[name] = value
    end
  end

  request = function()
    local first = (math.random(slots) - 1) * range_bytes
    headers["Range"] = string.format("bytes=%d-%d", first, first + range_bytes - 1)
    return wrk.format(nil, nil, headers)
  end
end

-- BENCH_PACE_MS set: each connection waits that many milliseconds between an answer and its next
-- request, so the request rate stays below what the server and wrk can do and the latency is that
-- of an unsaturated server (the paced scenarios).
local pace_ms = tonumber(os.getenv("BENCH_PACE_MS") or "")
if pace_ms then
  delay = function()
    return pace_ms
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d errors_connect=%d errors_read=%d " ..
    "errors_write=%d errors_status=%d errors_timeout=%d p50_us=%d p99_us=%d p999_us=%d max_us=%d " ..
    "p95_us=%d\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency:percentile(95)))
end
