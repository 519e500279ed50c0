-- Two-word search queries drawn from bench/words.txt (the vocabulary of
-- the synthetic data set), alternating between the JSON API and the
-- results page. Each wrk thread draws its own fixed sequence.
dofile(os.getenv("BENCH_WRK_DIR") .. "/report.lua")

local words = {}
for line in io.lines(os.getenv("BENCH_WORDS")) do
  if line ~= "" and line:sub(1, 1) ~= "#" then words[#words + 1] = line end
end

local function encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end

local n = 0
init = function(args)
  math.randomseed(1000 + (id or 0))
end

request = function()
  n = n + 1
  local q = encode(words[math.random(#words)] .. " " .. words[math.random(#words)])
  if n % 2 == 0 then
    return wrk.format("GET", "/api/v1/search?q=" .. q)
  end
  return wrk.format("GET", "/suche?q=" .. q)
end
