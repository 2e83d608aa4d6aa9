-- wrk script for `make bench`: one endpoint, GET or POST, logged in through a session cookie.
--
-- Configured by environment variables (set by bench/run.py):
--   BENCH_METHOD  GET or POST             BENCH_EXPECT  the status a correct answer has
--   BENCH_COOKIE  Cookie header (session and CSRF cookies), may be empty
--   BENCH_BODY    urlencoded form; __TOKEN__ becomes a fresh UUID4 per request (the report
--                 form's one-time submission token is a plain random UUID: ReportForm.new_token)
--   BENCH_PATHS   optional: paths separated by newlines, requested in turn (a mixed workload,
--                 e.g. the search's realistic queries); each thread starts at another one
--   BENCH_OUT     where done() writes its JSON summary
-- Any other status than BENCH_EXPECT counts as an error: a 200 to the report POST means the form
-- came back with errors, a 302 to a page means the session was not accepted.

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  table.insert(threads, thread)
  next_id = next_id + 1
end

local function uuid4()
  local template = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
  return (template:gsub("[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

function init(args)
  expected = 0
  unexpected = 0
  last_unexpected = 0
  math.randomseed(os.time() * 100 + id)
  method = os.getenv("BENCH_METHOD") or "GET"
  expect = tonumber(os.getenv("BENCH_EXPECT") or "200")
  body = os.getenv("BENCH_BODY") or ""
  local cookie = os.getenv("BENCH_COOKIE") or ""
  if cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  -- As a browser asks: lets whitenoise answer with its pre-compressed file.
  wrk.headers["Accept-Encoding"] = "gzip, br"
  if method == "POST" then
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  paths = {}
  for path in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^\n]+") do
    table.insert(paths, path)
  end
  next_path = (id - 1) * 7
end

function request()
  if method == "POST" then
    return wrk.format("POST", nil, nil, (body:gsub("__TOKEN__", uuid4())))
  end
  if #paths > 0 then
    next_path = next_path + 1
    return wrk.format("GET", paths[(next_path % #paths) + 1])
  end
  return wrk.format("GET")
end

function response(status, headers, body)
  if status == expect then
    expected = expected + 1
  else
    unexpected = unexpected + 1
    last_unexpected = status
  end
end

function done(summary, latency, requests)
  local ok, bad, last = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("expected")
    bad = bad + thread:get("unexpected")
    local status = thread:get("last_unexpected")
    if status ~= 0 then
      last = status
    end
  end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_OUT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "mean_us": %.1f, "p50_us": %d, '
      .. '"p95_us": %d, "p99_us": %d, "max_us": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "timeouts": %d, "status_errors": %d, "expected": %d, '
      .. '"unexpected": %d, "last_unexpected_status": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency.mean,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, ok, bad, last
  ))
  out:close()
end
