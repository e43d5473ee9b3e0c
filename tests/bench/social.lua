-- social.lua: wrk script for the social benchmarks. Each request signs in as
-- a random person of the generated company (tokens.txt from gen-company).
-- Environment: BENCH_TOKENS (file), BENCH_MODE = home | post | search | page
-- (page: the home page's HTML, signed in with a session cookie)
local tokens, sessions = {}, {}
local mode = os.getenv("BENCH_MODE") or "home"
local counter = 0

-- Words that occur in the generated posts, for two-word searches.
local words = { "release", "customer", "review", "meeting", "design",
  "launch", "team", "quarter", "roadmap", "feedback", "coffee", "deploy",
  "incident", "metrics", "hiring", "budget", "security", "database",
  "latency", "migration", "planning", "sprint", "travel", "policy" }

function init(args)
  local f = assert(io.open(os.getenv("BENCH_TOKENS") or "tokens.txt"))
  for line in f:lines() do
    local _, tok, ses = line:match("^(%d+) (%S+) ?(%S*)$")
    if tok then tokens[#tokens + 1] = tok end
    if ses and ses ~= "" then sessions[#sessions + 1] = ses end
  end
  f:close()
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  counter = counter + 1
  if mode == "page" then
    local ses = sessions[math.random(#sessions)]
    return wrk.format("GET", "/", { ["Cookie"] = "hearth_session=" .. ses })
  end
  local tok = tokens[math.random(#tokens)]
  local h = { ["Authorization"] = "Bearer " .. tok }
  if mode == "post" then
    h["Content-Type"] = "application/x-www-form-urlencoded"
    local body = "status=Benchmark+post+" .. counter .. "+about+the+" ..
      words[math.random(#words)] .. "+%23bench&visibility=public"
    return wrk.format("POST", "/api/v1/statuses", h, body)
  elseif mode == "search" then
    local q = words[math.random(#words)] .. "+" .. words[math.random(#words)]
    return wrk.format("GET", "/api/v2/search?type=statuses&limit=20&q=" .. q, h)
  end
  return wrk.format("GET", "/api/v1/timelines/home?limit=20", h)
end

function done(summary, latency, requests)
  io.write(string.format("RESULT %s req/s=%.0f p50_ms=%.2f p99_ms=%.2f errors=%d\n",
    mode, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
