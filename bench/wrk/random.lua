-- Requests a random line of the file BENCH_URLS (paths, one a line) each
-- time: reads spread over the whole data set, as real traffic is, instead
-- of one hot page that any cache holds. Each wrk thread has its own seed.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local paths = {}
for line in io.lines(os.getenv("BENCH_URLS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local prefix = os.getenv("BENCH_URL_PREFIX") or ""

local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end

init = function(args)
  math.randomseed(2000 + (id or 0))
end

request = function()
  return wrk.format("GET", prefix .. paths[math.random(#paths)])
end
