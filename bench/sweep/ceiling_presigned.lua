-- wrk script for the request ceiling of a store that checks signatures (Ceph RGW): ceiling.lua's unsigned requests
-- are answered 403 AccessDenied there (or 404 NoSuchBucket when the bucket is missing), which measures how fast the
-- store refuses, not how fast it serves. This one cycles through presigned requests (SigV4 in the query string,
-- only the Host header signed) made by run.py: AbortMultipartUpload (DELETE) and ListParts (GET) pairs on uploads
-- that do not exist, read from the file named after `--`, one "METHOD /path?query" a line. A presigned URL stays
-- valid until it expires (1 h), so the pool is reused freely.
--
-- Every answer is counted by status and S3 error code; done() prints one "answer STATUS CODE COUNT" line per kind and
-- "duration_us N", so the harness can count only 2xx and 404 NoSuchUpload / NoSuchKey answers (RGW's ListParts of an
-- unknown upload says NoSuchKey) and report the rest (a 403 is a refusal, not a ceiling).
--
-- usage: wrk -t2 -c64 -d10s -s ceiling_presigned.lua http://127.0.0.1:PORT -- urls.txt

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Per-thread state (each wrk thread has its own Lua state; done() reads `answers` back with thread:get).
answers = {}
local pool = {}
local i = 0

function init(args)
  local file = args[1] or error("ceiling_presigned.lua: name the file of presigned requests after --")
  for line in io.lines(file) do
    local method, path = line:match("^(%u+) (%S+)$")
    if method then
      pool[#pool + 1] = wrk.format(method, path)
    end
  end
  if #pool == 0 then
    error("ceiling_presigned.lua: no requests in " .. file)
  end
  -- Threads start at different places in the pool (an even offset keeps each DELETE before its GET).
  i = ((id or 0) * 2 * 997) % #pool
end

function request()
  i = i % #pool + 1
  return pool[i]
end

function response(status, headers, body)
  local code = body and body:match("<Code>([%w%.]+)</Code>") or "-"
  local key = status .. " " .. code
  answers[key] = (answers[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("answers") or {}
    for key, n in pairs(counts) do
      total[key] = (total[key] or 0) + n
    end
  end
  for key, n in pairs(total) do
    io.write(string.format("answer %s %d\n", key, n))
  end
  io.write(string.format("duration_us %d\n", summary.duration))
end
