-- wrk script for make bench: searches that a cache cannot answer. Each
-- request is the next of about 6,000 different queries (one or two words
-- of the demo catalog, with and without diacritics, a word still being
-- typed, a typo, filters, a page), more than the app's result cache holds
-- (2,048), so every request reaches the search engine.
-- Usage: wrk -s bench-search.lua URL (PATH_PREFIX: /api/v1/search?q= or
-- /tim-kiem?q=, set with -- after the URL).
local words = {
  "chè", "che", "trà", "mật ong", "nước mắm", "nuoc mam", "gạo", "rượu", "tôm", "cà phê",
  "gừng", "tinh dầu", "bánh", "nem chua", "muối", "chanh", "cam", "trứng gà", "nón lá", "mứt",
  "loại 2", "vàng", "hoa", "đặc sản", "sả", "quế", "tiêu", "hồng", "xanh", "bình minh",
  "thái nguyên", "hà giang", "quảng ninh", "đắk lắk", "bến tre", "sơn la", "thanh hóa", "cần thơ",
  "chè shan tuyết", "mat ong rung", "nuoc mam phu quco", "banh trang", "tom cang", "ruou ne", "gao nep",
}
local tails = { "", " t", " h", " l", " c", " x" }
local filters = { "", "", "", "&star=5", "&star=4", "&sort=price_asc", "&page=2", "&province=19", "&sort=newest", "&page=3" }
local prefix = "/api/v1/search?q="
local queries = {}

function init(args)
  if args[1] then prefix = args[1] end
  for _, w in ipairs(words) do
    for _, t in ipairs(tails) do
      for _, f in ipairs(filters) do
        for _, v in ipairs({ "", " 2", " 3" }) do
          queries[#queries + 1] = prefix .. escape(w .. v .. t) .. f
        end
      end
    end
  end
  -- threads start at different places in the list
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
  i = math.random(#queries)
end

function escape(s)
  return (s:gsub("[^%w]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  i = i % #queries + 1
  return wrk.format("GET", queries[i])
end
