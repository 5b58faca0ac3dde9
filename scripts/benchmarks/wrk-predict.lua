-- wrk script: POST one image to /predict as multipart/form-data, field "file".
-- A lighter load generator than `image-classifier bench` (C and epoll, little CPU of its own):
--   IMAGE=photo.jpg wrk -t2 -c16 -d30s --latency -s scripts/benchmarks/wrk-predict.lua http://127.0.0.1:8000/predict
-- wrk counts answers other than 2xx/3xx as "Non-2xx or 3xx responses". It does not report server
-- memory; read it with: grep VmHWM /proc/<server pid>/status

local path = os.getenv("IMAGE") or error("set IMAGE to the image file to send")
local file = assert(io.open(path, "rb"))
local image = file:read("*a")
file:close()

local boundary = "wrk-image-classifier-boundary"
wrk.method = "POST"
wrk.headers["Content-Type"] = "multipart/form-data; boundary=" .. boundary
wrk.body = "--" .. boundary .. "\r\n"
        .. 'Content-Disposition: form-data; name="file"; filename="image"\r\n'
        .. "Content-Type: application/octet-stream\r\n\r\n"
        .. image .. "\r\n--" .. boundary .. "--\r\n"
