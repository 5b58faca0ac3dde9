-- wrk script for benchmark-reload.sh: POSTs one image to /predict (as wrk-predict.lua does) and counts the answers
-- by status and by the model version that gave them (X-Model-Version); prints the tail percentiles at the end.
--   IMAGE=photo.jpg wrk -t2 -c16 -d60s -s scripts/benchmarks/wrk-reload.lua http://127.0.0.1:8000/predict
dofile((os.getenv("SCRIPTS") or "scripts/benchmarks") .. "/wrk-predict.lua")

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  versions = {}
  statuses = {}
end

function response(status, headers, body)
  local version = headers["X-Model-Version"] or "none"
  versions[version] = (versions[version] or 0) + 1
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local byVersion, byStatus = {}, {}
  for _, thread in ipairs(threads) do
    for v, n in pairs(thread:get("versions")) do byVersion[v] = (byVersion[v] or 0) + n end
    for s, n in pairs(thread:get("statuses")) do byStatus[s] = (byStatus[s] or 0) + n end
  end
  local non2xx = 0
  for s, n in pairs(byStatus) do
    if s < 200 or s > 299 then non2xx = non2xx + n end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d non2xx=%d socket_errors=%d rps=%.1f p50_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
    summary.requests, non2xx, errors, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
  for v, n in pairs(byVersion) do io.write(string.format("VERSION %s %d\n", v, n)) end
end
