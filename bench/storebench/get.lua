-- wrk script: GET the URL and print one summary line like post.lua's.
local label = os.getenv("LABEL") or "?"

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT %-28s req/s %10.1f  p50 %8.2f ms  p99 %8.2f ms  errors %d non2xx %d\n",
    label, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
