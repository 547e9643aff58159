-- wrk script for bench/cache-zipf.sh: replays a fixed key sequence once, then stops.
--
-- BENCH_ZIPF_SEQUENCE: a file with one object number a line (written by ZipfWorkload generate);
-- BENCH_ZIPF_PREFIX: the path before the object name (e.g. /zipf/zipf/). Request n asks for the
-- object on line n, so every contestant gets the same requests in the same order (with several
-- connections, responses may complete slightly out of that order). Once every line was sent, the
-- remaining connections ask for BENCH_ZIPF_END (a path the contestant answers without its origin)
-- until the last sequence response arrives; then the thread stops and writes the file
-- BENCH_ZIPF_DONE_FILE, on which the caller interrupts wrk (SIGINT: wrk prints its summary and
-- exits). Run it with one thread (-t1).
--
-- At the end it prints "ZIPF requests=N answered=N hit=N miss=N other=N status_errors=N
-- duration_us=N p50_us=N p95_us=N p99_us=N", hit and miss from the X-Cache response header
-- (HIT, or MISS/EXPIRED/UPDATING/REVALIDATED and anything else that is not HIT or STALE).

local keys = {}
local prefix = os.getenv("BENCH_ZIPF_PREFIX") or "/"
local finish = os.getenv("BENCH_ZIPF_END") or "/__end"
-- Globals, so that done() can read them from the thread (thread:get).
sent = 0
answered = 0
hit = 0
miss = 0
other = 0
status_errors = 0
total = 0

init = function(args)
  for line in io.lines(os.getenv("BENCH_ZIPF_SEQUENCE")) do
    keys[#keys + 1] = string.format("%so%05d.bin", prefix, tonumber(line))
  end
  total = #keys
end

-- wrk calls request() once before the run to check the request it builds (script_verify_request,
-- on the first thread's state): that call must not consume a line.
local verified = false

request = function()
  if not verified then
    verified = true
    return wrk.format("GET", finish)
  end
  sent = sent + 1
  if sent <= total then
    return wrk.format("GET", keys[sent])
  end
  return wrk.format("GET", finish)
end

response = function(status, headers, body)
  -- Responses arrive on each connection in the order of its requests; count the sequence ones.
  if answered >= total then
    return
  end
  local cache = headers["X-Cache"] or headers["x-cache"]
  if cache == nil then
    -- The end path's answer (no X-Cache): not a sequence request.
    if status == 204 or status == 404 then
      return
    end
  end
  answered = answered + 1
  if status ~= 200 then
    status_errors = status_errors + 1
  end
  if cache == "HIT" or cache == "STALE" then
    hit = hit + 1
  elseif cache ~= nil then
    miss = miss + 1
  else
    other = other + 1
  end
  if answered >= total then
    wrk.thread:stop()
    -- wrk runs for its -d duration whatever its threads do: tell the script to send SIGINT.
    local marker = os.getenv("BENCH_ZIPF_DONE_FILE")
    if marker then
      local file = io.open(marker, "w")
      file:write("done\n")
      file:close()
    end
  end
end

-- done() runs in the main Lua state: fetch the counters from the thread.
local threads = {}
setup = function(thread)
  threads[#threads + 1] = thread
end

done = function(summary, latency, requests)
  local t = threads[1]
  io.write(string.format(
    "ZIPF requests=%d answered=%d hit=%d miss=%d other=%d status_errors=%d duration_us=%d " ..
    "p50_us=%d p95_us=%d p99_us=%d\n",
    t:get("total"), t:get("answered"), t:get("hit"), t:get("miss"), t:get("other"),
    t:get("status_errors"), summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
