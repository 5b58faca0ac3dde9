-- wrk script: POST one image to the Open Inference Protocol's infer route with Triton's binary tensor data
-- extension: a JSON header (its length in Inference-Header-Content-Length) naming one BYTES input of
-- binary_data_size bytes, then the element: a 4-byte little-endian length and the file as it is.
--   IMAGE=photo.jpg wrk -t2 -c16 -d30s --latency -s scripts/benchmarks/wrk-v2-binary.lua http://127.0.0.1:8000/v2/models/classifier/infer
-- With JSON=1 it sends the image in base64 inside the JSON instead (no binary part).

local path = os.getenv("IMAGE") or error("set IMAGE to the image file to send")
local file = assert(io.open(path, "rb"))
local image = file:read("*a")
file:close()

local function le32(n)
  return string.char(n % 256, math.floor(n / 256) % 256, math.floor(n / 65536) % 256, math.floor(n / 16777216) % 256)
end

local function base64(data)
  local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  return ((data:gsub(".", function(x)
    local r, b = "", x:byte()
    for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
    return r
  end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
    if #x < 6 then return "" end
    local c = 0
    for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
    return alphabet:sub(c + 1, c + 1)
  end) .. ({ "", "==", "=" })[#data % 3 + 1])
end

wrk.method = "POST"
if os.getenv("JSON") == "1" then
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"inputs":[{"name":"image","shape":[1],"datatype":"BYTES","data":["' .. base64(image) .. '"]}]}'
else
  local tensor = le32(#image) .. image
  local header = '{"inputs":[{"name":"image","shape":[1],"datatype":"BYTES","parameters":{"binary_data_size":'
      .. #tensor .. '}}]}'
  wrk.headers["Content-Type"] = "application/octet-stream"
  wrk.headers["Inference-Header-Content-Length"] = tostring(#header)
  wrk.body = header .. tensor
end
