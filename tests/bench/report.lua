-- report.lua: a wrk script that adds one machine-readable line to wrk's
-- usual output, for the benchmark scripts:
--   BENCH rps p50_ms p99_ms max_ms requests errors
-- errors counts socket errors (connect, read, write, timeout) and answers
-- that were not 2xx or 3xx. With BENCH_PACE_MS set, every connection waits
-- that many milliseconds between requests (a steady load instead of as fast
-- as possible), so latency shows stalls rather than queueing.

local pace = tonumber(os.getenv("BENCH_PACE_MS") or "")
if pace ~= nil and pace > 0 then
	function delay()
		return pace
	end
end

function done(summary, latency, requests)
	local e = summary.errors
	local errors = e.connect + e.read + e.write + e.timeout + e.status
	io.write(string.format("BENCH %.1f %.3f %.3f %.3f %d %d\n",
		summary.requests / (summary.duration / 1e6),
		latency:percentile(50) / 1000, latency:percentile(99) / 1000,
		latency.max / 1000, summary.requests, errors))
end
