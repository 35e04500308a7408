-- wrk script for test/bench/traces.bench.ts: POSTs one OTLP protobuf body (a file) over and over.
-- Arguments: <payload file> <bearer token> [content-encoding]
local payload_file, token, encoding

function init(args)
  payload_file = args[1]
  token = args[2]
  encoding = args[3]
  local file = assert(io.open(payload_file, "rb"))
  wrk.body = file:read("*a")
  file:close()
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-protobuf"
  wrk.headers["Authorization"] = "Bearer " .. token
  if encoding and encoding ~= "" then wrk.headers["Content-Encoding"] = encoding end
end
