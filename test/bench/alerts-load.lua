-- wrk script for test/bench/alerts.bench.ts: POST /api/v2/alerts with batches of 100 alerts,
-- 50 refreshes of 50 known alerts and 50 alerts never seen before.
-- args: <token> <run id> <mode>; mode "second": refreshes move endsAt once a second (a heartbeat),
-- mode "request": every refresh carries a new endsAt (each one is a write).

local thread_count = 0
function setup(thread)
  thread_count = thread_count + 1
  thread:set("tid", thread_count)
end

local token, run, mode
local counter = 0
local started

function init(args)
  token = args[1]
  run = args[2]
  mode = args[3] or "second"
  started = os.date("!%Y-%m-%dT%H:%M:%SZ", os.time() - 60)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. token
end

local known = '{"labels":{"alertname":"BenchKnown","service":"svc-%d","instance":"known-%d","severity":"warning","cluster":"bench"},'
  .. '"annotations":{"summary":"known alert %d is still firing","runbook_url":"https://runbooks.example.com/bench"},'
  .. '"startsAt":"%s","endsAt":"%s","generatorURL":"http://prometheus.bench:9090/graph?g0.expr=bench_known"}'
local fresh = '{"labels":{"alertname":"BenchNew","service":"svc-%d","instance":"%s-%d-%d-%d","severity":"critical","cluster":"bench"},'
  .. '"annotations":{"summary":"new alert %d","description":"a storm of new alerts"},'
  .. '"startsAt":"%s","endsAt":"%s","generatorURL":"http://prometheus.bench:9090/graph?g0.expr=bench_new"}'

function request()
  counter = counter + 1
  local now = os.time()
  local ends = os.date("!%Y-%m-%dT%H:%M:%S", now + 300)
  local known_ends
  if mode == "request" then
    known_ends = string.format("%s.%03dZ", ends, (counter * 8 + tid) % 1000)
  else
    known_ends = ends .. "Z"
  end
  local parts = {}
  for i = 1, 50 do
    parts[#parts + 1] = string.format(known, i % 10, i, i, started, known_ends)
  end
  for i = 1, 50 do
    parts[#parts + 1] = string.format(fresh, i % 10, run, tid, counter, i, i, started, ends .. "Z")
  end
  return wrk.format(nil, nil, nil, "[" .. table.concat(parts, ",") .. "]")
end
