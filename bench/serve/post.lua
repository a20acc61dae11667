-- wrk script: POST the file given after "--" with its content type and
-- print one summary line: label, requests/s, p50 and p99 latency (ms).
-- usage: LABEL=name wrk ... -s post.lua URL -- BODY_FILE [CONTENT_TYPE]
-- (done runs in wrk's main Lua state, which never sees init's arguments,
-- so the label comes from the environment.)
local label = os.getenv("LABEL") or "?"

function init(args)
  local f = assert(io.open(args[1], "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = args[2] or "application/json"
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT %-28s req/s %10.1f  p50 %8.2f ms  p99 %8.2f ms  errors %d non2xx %d\n",
    label, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
