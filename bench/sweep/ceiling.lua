-- wrk script for the request ceiling: the two requests a sweep makes per upload, AbortMultipartUpload
-- (DELETE) and ListParts (GET), alternating, on uploads that do not exist (moto answers NoSuchUpload).
local n = 0
request = function()
  n = n + 1
  local path = "/bench-ceiling/k" .. n .. "?uploadId=u" .. n
  if n % 2 == 0 then
    return wrk.format("DELETE", path)
  end
  return wrk.format("GET", path)
end
