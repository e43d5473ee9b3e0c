-- bridge-home.lua: the internal home page (GET / with a session cookie) of
-- random people of a generated company (tokens.txt from gen-company), for
-- bridge-fanout.sh. Prints report.lua's line:
--   BENCH rps p50_ms p99_ms max_ms requests errors
-- Environment: BENCH_TOKENS (the tokens file); BENCH_PACE_MS (each
-- connection waits that many ms between requests, as in report.lua).
local sessions = {}

function init(args)
  local f = assert(io.open(os.getenv("BENCH_TOKENS") or "tokens.txt"))
  for line in f:lines() do
    local ses = line:match("^%d+ %S+ (%S+)$")
    if ses then sessions[#sessions + 1] = ses end
  end
  f:close()
  assert(#sessions > 0, "no sessions in BENCH_TOKENS")
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

local pace = tonumber(os.getenv("BENCH_PACE_MS") or "")
if pace ~= nil and pace > 0 then
  function delay()
    return pace
  end
end

function request()
  return wrk.format("GET", "/", { ["Cookie"] = "hearth_session=" ..
    sessions[math.random(#sessions)] })
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format("BENCH %.1f %.3f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, errors))
end
