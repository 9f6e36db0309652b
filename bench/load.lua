-- wrk script for bench/load/: one wrk thread per learner, one connection per thread, so
-- each thread's responses arrive in the order of its requests and a learner can walk the
-- post-test flow (start → read the attempt → submit the answers) as a browser would.
--
--   BENCH_LOAD_OUT=results.tsv wrk -t50 -c50 -d60s -s bench/load.lua http://127.0.0.1:PORT -- MODE LEARNERS_FILE
--
-- MODE is "bare" (the baseline view), "module" (every learner reads the module pages open
-- to them) or "learners" (readers read their module pages; learners in the post-test loop
-- start an attempt, read it, submit it, and look at a module page). LEARNERS_FILE has one
-- line per learner: "sessionid csrf_cookie csrf_token course_slug open_modules role", role
-- being "reader" or "post-test".
-- done() writes to $BENCH_LOAD_OUT every request's scenario, latency (µs) and outcome, and
-- each attempt whose answers the server accepted, with the number of answers.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local clock = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

-- Runs in the main Lua state: number the threads so each takes its own learner.
local threads = {}
local next_index = 1

function setup(thread)
  thread:set("learner_index", next_index)
  next_index = next_index + 1
  table.insert(threads, thread)
end

local mode, slug, module_count, role, cookie, csrf_token
local state, module_step, attempt_path, answer_body, answer_count, sent_at
-- Results, read by done() from each thread: parallel arrays, one entry per response.
results_scenario, results_us, results_ok = {}, {}, {}
accepted_attempts, accepted_answers = {}, {}

function init(args)
  mode = args[1]
  local line_number, learner = 0, {}
  for line in io.lines(args[2]) do
    line_number = line_number + 1
    -- learner_index was set by setup() in this thread's own Lua state.
    if line_number == learner_index then
      for word in line:gmatch("%S+") do table.insert(learner, word) end
    end
  end
  cookie = "sessionid=" .. learner[1] .. "; csrftoken=" .. learner[2]
  csrf_token, slug, module_count, role = learner[3], learner[4], tonumber(learner[5]), learner[6]
  -- Learners start at different modules, so they do not move through the course in step.
  module_step = learner_index
  state = (mode == "learners" and role == "post-test") and "start attempt" or "module"
end

local function post(path, body)
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["X-CSRFToken"] = csrf_token,
    ["Referer"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port .. "/",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function request()
  sent_at = now_us()
  if mode == "bare" then
    return wrk.format("GET", "/bench/bare", { ["Cookie"] = cookie })
  end
  if state == "module" then
    local order = module_step % module_count + 1
    return wrk.format("GET", "/courses/" .. slug .. "/modules/" .. order .. "/", { ["Cookie"] = cookie })
  elseif state == "start attempt" then
    return post("/courses/" .. slug .. "/post-test/", "")
  elseif state == "attempt page" then
    return wrk.format("GET", attempt_path, { ["Cookie"] = cookie })
  else -- "submit answers"
    return post(attempt_path .. "submit/", answer_body)
  end
end

local function record(scenario, ok)
  local n = #results_us + 1
  results_scenario[n] = scenario
  results_us[n] = now_us() - sent_at
  results_ok[n] = ok and 1 or 0
end

local function answers_from(body)
  -- The first option of every question: a learner who answers everything.
  local seen, parts, count = {}, {}, 0
  for question, option in body:gmatch('name="q(%d+)" value="(%w+)"') do
    if not seen[question] then
      seen[question] = true
      count = count + 1
      table.insert(parts, "q" .. question .. "=" .. option)
    end
  end
  return table.concat(parts, "&"), count
end

function response(status, headers, body)
  if mode == "bare" then
    record("bare view", status == 200)
    return
  end
  if state == "module" then
    record("module page", status == 200)
    module_step = module_step + 1
    if mode == "learners" and role == "post-test" then
      state = "start attempt"
    end
  elseif state == "start attempt" then
    local location = headers["Location"] or ""
    local ok = status == 302 and location:match("/attempts/%d+/$") ~= nil
    record("start attempt", ok)
    if ok then
      attempt_path, state = location:match("(/attempts/%d+/)$"), "attempt page"
    else
      state = "module"
    end
  elseif state == "attempt page" then
    record("attempt page", status == 200)
    answer_body, answer_count = answers_from(body or "")
    state = status == 200 and "submit answers" or "module"
  else
    local ok = status == 302
    record("submit answers", ok)
    if ok then
      table.insert(accepted_attempts, tonumber(attempt_path:match("%d+")))
      table.insert(accepted_answers, answer_count)
    end
    state = "module"
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("BENCH_LOAD_OUT"), "w"))
  local errors = summary.errors
  out:write(string.format("socket_errors\t%d\n",
    errors.connect + errors.read + errors.write + errors.timeout))
  for _, thread in ipairs(threads) do
    local scenarios, micros, oks = thread:get("results_scenario"), thread:get("results_us"), thread:get("results_ok")
    local attempts, answers = thread:get("accepted_attempts"), thread:get("accepted_answers")
    for i = 1, #attempts do
      out:write(string.format("attempt\t%d\t%d\n", attempts[i], answers[i]))
    end
    for i = 1, #micros do
      out:write(string.format("%s\t%d\t%d\n", scenarios[i], micros[i], oks[i]))
    end
  end
  out:close()
end
