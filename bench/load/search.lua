-- wrk script: GET /v1/search with a rotating set of queries (typed, typo'd,
-- prefix and multi-language), authorised by the key in $PORTALKB_KEY.
-- Counts non-2xx answers so a broken server cannot look fast.
local queries = {
  "factuur downloaden", "wachtwoord vergeten", "parkeervergunning aanvragen", "factur downlaoden",
  "wachtwoord verg", "return an item", "glömt lösenord", "rekening betalen", "invoice", "password reset",
  "adreswijziging", "sla beschikbaarheid", "afval", "contract", "levering", "betaling",
}
local key = os.getenv("PORTALKB_KEY") or ""
local i = 0

local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

request = function()
  i = i + 1
  local q = queries[(i % #queries) + 1]
  return wrk.format("GET", "/v1/search?limit=10&facet=type&facet=lang&q=" .. encode(q),
                    { ["Authorization"] = "Bearer " .. key })
end

local failures = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then failures = failures + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("requests %d, non-2xx %d, errors %d\n", summary.requests, summary.errors.status,
                         summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  for _, p in ipairs({ 50, 90, 99 }) do
    io.write(string.format("latency p%d %.2f ms\n", p, latency:percentile(p) / 1000))
  end
  if summary.errors.status > 0 then io.write("FAILED: some answers were not 2xx\n") end
end
