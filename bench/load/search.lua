-- wrk script: GET /v1/search with the query mix of bench/load/mix.tsv
-- (exact, typo'd and prefix queries as several principals), each principal
-- authorised by its key from $PORTALKB_KEYS ("public=KEY customer=KEY ...").
-- wrk counts non-2xx/3xx answers itself (summary.errors.status); any of them
-- fails the run, so a broken server cannot look fast.
local mix_file = os.getenv("PORTALKB_MIX") or "bench/load/mix.tsv"
local keys = {}
for name, key in string.gmatch(os.getenv("PORTALKB_KEYS") or "", "(%w+)=(%S+)") do keys[name] = key end

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

local requests = {}
for line in io.lines(mix_file) do
  local principal, query = line:match("^([^#\t][^\t]*)\t(.+)$")
  if principal then
    local key = keys[principal]
    if key == nil then error("no key for principal " .. principal .. " in PORTALKB_KEYS") end
    requests[#requests + 1] = wrk.format("GET", "/v1/search?limit=10&facet=type&facet=lang&q=" .. encode(query),
                                         { ["Authorization"] = "Bearer " .. key })
  end
end
if #requests == 0 then error("no searches in " .. mix_file) end

local i = 0
-- Each wrk thread starts at its own place in the mix.
setup = function(thread)
  thread:set("offset", math.random(0, 1000))
end

request = function()
  i = i + 1
  return requests[((i + (offset or 0)) % #requests) + 1]
end

done = function(summary, latency, requests_done)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests %d, %.1f/s, non-2xx %d, socket errors %d\n", summary.requests,
                         summary.requests / seconds, summary.errors.status,
                         summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("latency p%d %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  if summary.errors.status > 0 then io.write("FAILED: some answers were not 2xx\n") end
end
