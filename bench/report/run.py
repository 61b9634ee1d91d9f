#!/usr/bin/env python3
"""Benchmark of `mpa report --json` against a synthetic, loopback-only S3 listing server.

The server (this file, run as `run.py --serve` in its own process) answers only what `mpa report` calls:
ListBuckets (GET /), ListMultipartUploads (GET /{bucket}?uploads) and ListParts (GET /{bucket}/{key}?uploadId=...).
Nothing is seeded: every upload, part, size and time is a pure function of (bucket, N, index), so 1,000,000
uploads cost nothing to set up (the server keeps only each bucket's sorted key list, to find list markers). It never checks signatures. It counts the requests it
answers by operation and reports its own CPU time. The same generator gives the ground truth (uploads, parts,
bytes per bucket, per age band, active/idle, per prefix, the top-10 largest/oldest), and every run's JSON is
checked against it: a run with a wrong figure fails the benchmark.

Measured per run: wall time (spawn to exit), requests served by operation (server count), req/s, uploads/s,
mpa's user+sys CPU and peak RSS (two ways: VmHWM of /proc/<mpa pid>/status polled every 20 ms, and GNU time's %M),
the server's CPU time, the whole machine's busy CPU (/proc/stat; "others" = what neither mpa, the server nor this
harness used: another user's load), and the most connections mpa held open at once (the concurrency it used).

usage: python3 bench/report/run.py                       # sizes 10000,100000, 3 runs, configs single,multi (~1.5 min; ~2.5 min on a loaded box)
       python3 bench/report/run.py --quick               # N=2,000, 1 run, single and multi (~5 s)
       python3 bench/report/run.py --sizes 300000 --runs 3 --configs single --no-ceiling --out bench/report/results/n300k.json
       python3 bench/report/run.py --sizes 100000 --runs 3 --configs single --pin --no-ceiling --out bench/report/results/pinned.json
       python3 bench/report/run.py --sizes 10000,100000 --runs 1 --configs single --env SWEEP_CONCURRENCY=256 --out bench/report/results/conc-c256.json
options: --sizes 10000,100000  --runs 3  --configs single,multi  --mpa PATH  --out PATH  --no-ceiling  --pin  --env NAME=VALUE
"""
import argparse
import asyncio
import bisect
import hashlib
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import zlib
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "bench" / "out"
SOURCE_BINARY = ROOT / "artifacts" / "mpa" / "mpa"
BINARY_COPY = OUT / "mpa-report"  # copied once, so a rebuild of artifacts/ does not change it mid-run

NS = "http://s3.amazonaws.com/doc/2006-03-01/"
HOUR, DAY = 3600, 86400
MIN_IDLE = HOUR  # mpa's default --min-idle (PT1H)
BANDS = [("<1d", DAY), ("1-7d", 7 * DAY), ("7-30d", 30 * DAY), (">30d", None)]
PAGE = 1000  # S3's largest and default page for uploads and parts

# ---------------------------------------------------------------------------------------------------------------------
# The generator: upload i of a bucket holding n uploads. Listing order (key, then upload id) is index order.
# ---------------------------------------------------------------------------------------------------------------------
TOPS = ["archive", "backups", "logs", "media", "tmp"]


def seed(bucket):
    return zlib.crc32(bucket.encode())


def group(i):
    """Index of the first upload of upload i's key: every 50th key has two uploads (i and i+1 share a key)."""
    return i - 1 if i % 50 == 1 else i


def key_of(i, n):
    g = group(i)
    if g * 20 // n == 19:  # the last 5%: keys without a '/', prefix "" at any depth
        return f"zz-loose-{g:09d}.bin"
    return f"{TOPS[g * 100 // (19 * n)]}/s{g * 40 // n:03d}/obj-{g:09d}.bin"


def upload_id(bucket_seed, i):
    h = (i * 0x9E3779B97F4A7C15 ^ bucket_seed) & 0xFFFFFFFFFFFFFFFF
    return f"2~{i:09d}{h:016x}{(h * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF:016x}"


def id_index(upload_id_text):
    try:
        return int(upload_id_text[2:11]) if upload_id_text.startswith("2~") else -1
    except ValueError:
        return -1


def age_seconds(bucket_seed, i):
    """How long before the anchor upload i began: 3 h to 60 d, never within 2 h of a band edge (1 d, 7 d, 30 d)."""
    u = ((i * 2654435761 + bucket_seed) % 1_000_003) / 1_000_003
    age = 3 * HOUR + int(u * (60 * DAY - 3 * HOUR))
    for edge in (DAY, 7 * DAY, 30 * DAY):
        if edge - 2 * HOUR < age < edge + 2 * HOUR:
            age += 4 * HOUR
    return age


def part_count(i):
    if i % 5000 == 1234:  # a few uploads with more than one page of parts (2 or 3 pages)
        return 1500 + (i // 5000 % 3) * 600
    return i % 4  # 0..3


def part_size(i, pn):
    return 5 * 1024 * 1024 + ((i * 7919 + pn * 104729) % 4096) * 1024


def is_active(i):
    """Its newest part landed within the last 26 minutes (so within --min-idle PT1H while the run lasts < 30 min)."""
    return i % 10 == 3 and part_count(i) > 0


def part_age(bucket_seed, i, pn):
    """Seconds before the anchor part pn of upload i landed."""
    if is_active(i):
        return 60 + (i * 13 + pn * 7) % 1500
    return age_seconds(bucket_seed, i) - pn  # one second after the previous part; still >= 3 h - 2,700 s old


# Every bucket's lifecycle configuration: enabled abort rules on tmp/ and backups/, a disabled one on logs/, and a
# tag-filtered expiration rule (no abort action). An upload is covered exactly when its key starts with a COVERING prefix.
LIFECYCLE = (
    '<LifecycleConfiguration xmlns="{ns}">'
    "<Rule><ID>tmp-3</ID><Filter><Prefix>tmp/</Prefix></Filter><Status>Enabled</Status>"
    "<AbortIncompleteMultipartUpload><DaysAfterInitiation>3</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
    "<Rule><ID>backups-7</ID><Filter><Prefix>backups/</Prefix></Filter><Status>Enabled</Status>"
    "<AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
    "<Rule><ID>logs-off</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Disabled</Status>"
    "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule>"
    "<Rule><ID>media-tagged</ID><Filter><Tag><Key>class</Key><Value>scratch</Value></Tag></Filter><Status>Enabled</Status>"
    "<Expiration><Days>30</Days></Expiration></Rule>"
    "</LifecycleConfiguration>"
)
COVERING = ("tmp/", "backups/")


def band_of(age):
    for name, upper in BANDS:
        if upper is None or age < upper:
            return name


def prefix_of(key, depth):
    end = 0
    for _ in range(depth):
        slash = key.find("/", end)
        if slash < 0:
            break
        end = slash + 1
    return key[:end]


def iso(epoch):
    return dt.datetime.fromtimestamp(epoch, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def ground_truth(buckets, depth, top=10):
    """Every figure `mpa report --json` gives per bucket, from the generator (anchor-free: ages are relative)."""
    out = {}
    for bucket, n in buckets.items():
        s = seed(bucket)

        def cell():
            return {"uploads": 0, "parts": 0, "bytes": 0}

        overall, ages, active, idle, prefixes = cell(), {b: cell() for b, _ in BANDS}, cell(), cell(), {}
        covered, not_covered = cell(), cell()
        sizes, olds = [], []
        for i in range(n):
            p = part_count(i)
            b = sum(part_size(i, pn) for pn in range(1, p + 1))
            age = age_seconds(s, i)
            newest_age = min((part_age(s, i, pn) for pn in range(1, p + 1)), default=age)
            key = key_of(i, n)
            coverage = "covered" if key.startswith(COVERING) else "notCovered"
            targets = [overall, ages[band_of(age)], active if newest_age < MIN_IDLE else idle, covered if coverage == "covered" else not_covered]
            if depth > 0:
                cp = prefixes.setdefault(prefix_of(key, depth), {**cell(), "covered": cell(), "notCovered": cell()})
                targets += [cp, cp[coverage]]
            for c in targets:
                c["uploads"] += 1
                c["parts"] += p
                c["bytes"] += b
            sizes.append(b)
            olds.append(age)
        out[bucket] = {
            **overall,
            "ages": {k: v for k, v in ages.items()},
            "active": active,
            "idle": idle,
            "covered": covered,
            "notCovered": not_covered,
            "prefixes": dict(sorted(prefixes.items())) if depth > 0 else None,
            "largestBytes": sorted(sizes, reverse=True)[:top],
            "oldestAges": sorted(olds, reverse=True)[:top],
        }
    return out


# ---------------------------------------------------------------------------------------------------------------------
# The server (its own process): asyncio, HTTP/1.1 keep-alive, one thread.
# ---------------------------------------------------------------------------------------------------------------------
class Store:
    def __init__(self):
        self.conns_open = 0
        self.buckets = {}  # name -> n
        self.anchor = int(time.time())
        self.reset_counts()

    def reset_counts(self):
        self.counts = {"ListMultipartUploads": 0, "ListParts": 0, "ListPartsContinued": 0, "ListBuckets": 0, "GetBucketLifecycleConfiguration": 0, "control": 0, "other": 0}
        self.errors = []
        self.conns_opened = 0
        self.conns_max = getattr(self, "conns_open", 0)
        self.max_parts_seen = set()
        self.max_uploads_seen = set()
        self.first = self.last = None

    def configure(self, cfg):
        self.buckets = dict(cfg["buckets"])
        self.anchor = int(cfg.get("anchor") or time.time())
        self._keys = {}
        self.reset_counts()

    def keys(self, bucket):
        """Encoded keys of a bucket, for bisecting markers (key order = index order)."""
        if bucket not in self._keys:
            n = self.buckets[bucket]
            self._keys[bucket] = [key_of(i, n).encode() for i in range(n)]
        return self._keys[bucket]

    def handle(self, method, target):
        parts = urlsplit(target)
        path = unquote(parts.path)
        q = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path.startswith("/__bench/"):
            self.counts["control"] += 1
            return self.control(path, q)
        now = time.monotonic()
        self.first = self.first or now
        self.last = now
        if path == "/" and method in ("GET", "HEAD"):
            self.counts["ListBuckets"] += 1
            return 200, self.list_buckets()
        bucket, _, key = path[1:].partition("/")
        if method != "GET":
            return self.other(f"{method} {target}")
        if bucket not in self.buckets:
            return 404, error("NoSuchBucket", "The specified bucket does not exist")
        if not key and "lifecycle" in q:
            self.counts["GetBucketLifecycleConfiguration"] += 1
            return 200, ('<?xml version="1.0" encoding="UTF-8"?>\n' + LIFECYCLE.format(ns=NS)).encode()
        if not key and "uploads" in q:
            self.counts["ListMultipartUploads"] += 1
            return 200, self.list_uploads(bucket, q)
        if key and "uploadId" in q:
            self.counts["ListParts"] += 1
            if q.get("part-number-marker"):
                self.counts["ListPartsContinued"] += 1
            return self.list_parts(bucket, key, q)
        return self.other(f"{method} {target}")

    def other(self, what):
        self.counts["other"] += 1
        if len(self.errors) < 20:
            self.errors.append(what)
        return 501, error("NotImplemented", "not answered by the benchmark server")

    def control(self, path, q):
        if path == "/__bench/stats":
            t = os.times()
            body = {"counts": self.counts, "cpu": t.user + t.system, "errors": self.errors, "span": (self.last - self.first) if self.first else 0,
                    "connections_opened": self.conns_opened, "connections_max_open": self.conns_max,
                    "maxParts": sorted(self.max_parts_seen), "maxUploads": sorted(self.max_uploads_seen)}
            return 200, json.dumps(body).encode(), "application/json"
        if path == "/__bench/config":
            self.configure(json.loads(unquote(q["c"])))
            return 200, b"{}", "application/json"
        if path == "/__bench/paths":  # ListParts paths of one bucket, for the wrk ceiling
            bucket, n = q["bucket"], int(q["n"])
            s = seed(bucket)
            lines = [f"/{bucket}/{quote(key_of(i, self.buckets[bucket]))}?uploadId={upload_id(s, i)}" for i in range(n)]
            return 200, "\n".join(lines).encode(), "text/plain"
        return 404, b"{}", "application/json"

    def list_buckets(self):
        rows = "".join(f"<Bucket><Name>{b}</Name><CreationDate>{iso(self.anchor - 90 * DAY)}</CreationDate></Bucket>" for b in sorted(self.buckets))
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="{NS}"><Owner><ID>bench</ID><DisplayName>bench</DisplayName></Owner>'
                f"<Buckets>{rows}</Buckets></ListAllMyBucketsResult>").encode()

    def list_uploads(self, bucket, q):
        n = self.buckets[bucket]
        s = seed(bucket)
        keys = self.keys(bucket)
        max_uploads = min(int(q.get("max-uploads") or PAGE), PAGE)
        self.max_uploads_seen.add(q.get("max-uploads", "-"))
        key_marker = q.get("key-marker") or ""
        id_marker = q.get("upload-id-marker") or ""
        url = q.get("encoding-type") == "url"
        if q.get("prefix") or q.get("delimiter"):
            return self.other("ListMultipartUploads with prefix/delimiter")
        if not key_marker:
            start = 0
        elif not id_marker:  # keys after key-marker
            start = bisect.bisect_right(keys, key_marker.encode())
        else:  # uploads of key-marker with an id greater than upload-id-marker, then keys after it
            start = bisect.bisect_left(keys, key_marker.encode())
            while start < n and keys[start] == key_marker.encode() and upload_id(s, start) <= id_marker:
                start += 1
        end = min(n, start + max_uploads)
        rows = []
        for i in range(start, end):
            k = key_of(i, n)
            rows.append(f"<Upload><Key>{quote(k) if url else k}</Key><UploadId>{upload_id(s, i)}</UploadId>"
                        f"<Initiator><ID>bench</ID><DisplayName>bench</DisplayName></Initiator><Owner><ID>bench</ID><DisplayName>bench</DisplayName></Owner>"
                        f"<StorageClass>STANDARD</StorageClass><Initiated>{iso(self.anchor - age_seconds(s, i))}</Initiated></Upload>")
        truncated = end < n
        nxt = ""
        if end > start:
            last = key_of(end - 1, n)
            nxt = f"<NextKeyMarker>{quote(last) if url else last}</NextKeyMarker><NextUploadIdMarker>{upload_id(s, end - 1)}</NextUploadIdMarker>"
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="{NS}"><Bucket>{bucket}</Bucket>'
                f"<KeyMarker>{quote(key_marker) if url else key_marker}</KeyMarker><UploadIdMarker>{id_marker}</UploadIdMarker>{nxt}"
                f"{'<EncodingType>url</EncodingType>' if url else ''}<MaxUploads>{max_uploads}</MaxUploads><IsTruncated>{'true' if truncated else 'false'}</IsTruncated>"
                + "".join(rows) + "</ListMultipartUploadsResult>").encode()

    def list_parts(self, bucket, key, q):
        n = self.buckets[bucket]
        s = seed(bucket)
        uid = q["uploadId"]
        i = id_index(uid)
        if not (0 <= i < n) or upload_id(s, i) != uid or key_of(i, n) != key:
            return 404, error("NoSuchUpload", "The specified upload does not exist")
        max_parts = min(int(q.get("max-parts") or PAGE), PAGE)
        self.max_parts_seen.add(q.get("max-parts", "-"))
        marker = int(q.get("part-number-marker") or 0)
        total = part_count(i)
        first, last = marker + 1, min(total, marker + max_parts)
        rows = []
        for pn in range(first, last + 1):
            rows.append(f"<Part><PartNumber>{pn}</PartNumber><LastModified>{iso(self.anchor - part_age(s, i, pn))}</LastModified>"
                        f"<ETag>&quot;{i:016x}{pn:016x}&quot;</ETag><Size>{part_size(i, pn)}</Size></Part>")
        truncated = last < total
        nxt = f"<NextPartNumberMarker>{last}</NextPartNumberMarker>" if last >= first else ""
        return 200, (f'<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult xmlns="{NS}"><Bucket>{bucket}</Bucket><Key>{key}</Key><UploadId>{uid}</UploadId>'
                     f"<Initiator><ID>bench</ID><DisplayName>bench</DisplayName></Initiator><Owner><ID>bench</ID><DisplayName>bench</DisplayName></Owner>"
                     f"<StorageClass>STANDARD</StorageClass><PartNumberMarker>{marker}</PartNumberMarker>{nxt}<MaxParts>{max_parts}</MaxParts>"
                     f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>" + "".join(rows) + "</ListPartsResult>").encode()


def error(code, message):
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>bench</RequestId></Error>'.encode()


class Http(asyncio.Protocol):
    store = None

    def connection_made(self, transport):
        self.t = transport
        self.buf = b""
        st = self.store
        st.conns_open += 1
        st.conns_opened += 1
        st.conns_max = max(st.conns_max, st.conns_open)

    def connection_lost(self, exc):
        self.store.conns_open -= 1

    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = self.buf[:end].decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length:]
            try:
                answer = self.store.handle(method, target)
            except Exception as ex:  # a bug here must show, not hang the client
                answer = (500, error("InternalError", repr(ex)))
            status, body = answer[0], answer[1]
            ctype = answer[2] if len(answer) > 2 else "application/xml"
            reason = {200: "OK", 404: "Not Found", 500: "Internal Server Error", 501: "Not Implemented"}[status]
            head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                    f"x-amz-request-id: bench\r\n{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n").encode()
            self.t.write(head if method == "HEAD" else head + body)
            if close:
                self.t.close()
                return


def serve(port):
    Http.store = Store()

    async def main():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Http, "127.0.0.1", port, backlog=1024, reuse_address=True)
        print("ready", flush=True)
        await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------------------------------------------------------------
# The harness.
# ---------------------------------------------------------------------------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def control(endpoint, path, **q):
    query = "&".join(f"{k}={quote(str(v))}" for k, v in q.items())
    with urllib.request.urlopen(f"{endpoint}/__bench/{path}?{query}", timeout=600) as r:
        return r.read()


def configs_for(name, n):
    """The bucket layout of a setting, and mpa's arguments for it."""
    if name == "single":
        return {"bench-report": n}, ["--bucket", "bench-report"], 0
    if name == "multi":  # 3 buckets totalling n, chosen by a glob (ListBuckets), by prefix to depth 2; a decoy the glob must not take
        third = n // 3
        layout = {"bench-rpt-a": n - 2 * third, "bench-rpt-b": third, "bench-rpt-c": third, "decoy-bucket": 500}
        return layout, ["--bucket", "bench-rpt-*", "--depth", "2"], 2
    raise SystemExit(f"unknown config {name}")


def check(report, truth):
    """Every figure of mpa's JSON against the generator; a list of differences (empty: right)."""
    bad = []
    rep = report["report"]
    got = {b["bucket"]: b for b in rep["buckets"]}
    if sorted(got) != sorted(truth):
        return [f"buckets {sorted(got)} != {sorted(truth)}"]
    if not rep.get("complete"):
        bad.append("report not complete")
    tot = {k: sum(t[k] for t in truth.values()) for k in ("uploads", "parts", "bytes")}
    for k, v in tot.items():
        if rep["totals"][k] != v:
            bad.append(f"totals.{k} {rep['totals'][k]} != {v}")

    def same(where, a, e):
        for k in ("uploads", "parts", "bytes"):
            if a.get(k, 0) != e[k]:
                bad.append(f"{where}.{k} {a.get(k, 0)} != {e[k]}")

    for name, t in truth.items():
        b = got[name]
        same(name, b, t)
        for band, e in t["ages"].items():
            same(f"{name}.ages[{band}]", b["ages"].get(band, {}), e)
        same(f"{name}.active", b["active"], t["active"])
        same(f"{name}.idle", b["idle"], t["idle"])
        same(f"{name}.covered", b["covered"], t["covered"])
        same(f"{name}.notCovered", b["notCovered"], t["notCovered"])
        for extra in ("coverageUnknown", "lifecycleError", "coverageDisagreements"):
            if extra in b:
                bad.append(f"{name}.{extra} = {b[extra]}")
        for extra in ("error", "vanished", "unreadable"):
            if extra in b:
                bad.append(f"{name}.{extra} = {b[extra]}")
        if t["prefixes"] is not None:
            gp = {p["prefix"]: p for p in b.get("prefixes", [])}
            if list(gp) != list(t["prefixes"]):
                bad.append(f"{name}.prefixes {list(gp)[:5]}... != {list(t['prefixes'])[:5]}...")
            else:
                for p, e in t["prefixes"].items():
                    same(f"{name}.prefixes[{p}]", gp[p], e)
                    same(f"{name}.prefixes[{p}].covered", gp[p]["covered"], e["covered"])
                    same(f"{name}.prefixes[{p}].notCovered", gp[p]["notCovered"], e["notCovered"])
        if [u["bytes"] for u in b["largest"]] != t["largestBytes"]:
            bad.append(f"{name}.largest bytes {[u['bytes'] for u in b['largest']]} != {t['largestBytes']}")
        at = parse_time(rep["at"])
        ages = [round(at - parse_time(u["initiated"])) for u in b["oldestUploads"]]
        # the anchor is set just before the run; mpa's "at" is taken at its start: ages agree within the gap
        if len(ages) != len(t["oldestAges"]) or any(not (0 <= a - e <= 120) for a, e in zip(ages, t["oldestAges"])):
            bad.append(f"{name}.oldestUploads ages {ages} != {t['oldestAges']} (+0..120 s)")
    return bad


def child_pid(pid, seconds=5):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            if kids:
                return int(kids[0])
        except OSError:
            return None
        time.sleep(0.001)
    return None


def status_kib(pid, field):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def busy_seconds():
    """CPU seconds used on the whole machine and on each core (all processes), from /proc/stat: all but idle and iowait."""
    out = []
    for line in Path("/proc/stat").read_text().splitlines():
        if not line.startswith("cpu"):
            break
        fields = [int(x) for x in line.split()[1:]]
        out.append((sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK"))
    return out


def run_mpa(mpa, endpoint, args, truth, tmp, pin=False, extra_env=None):
    env = {**(extra_env or {}), "PATH": "/usr/bin:/bin", "HOME": str(tmp), "COS_ENDPOINT": endpoint, "COS_ACCESS_KEY_ID": "bench", "COS_SECRET_ACCESS_KEY": "bench",
           "AWS_REGION": "us-east-1", "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    timefile = tmp / "time.txt"
    outfile, errfile = tmp / "out.json", tmp / "err.txt"
    cmd = (["taskset", "-c", "0"] if pin else []) + ["/usr/bin/time", "-o", str(timefile), "-f", "%M %U %S %e", str(mpa), "report", *args, "--json"]
    samples = []  # (seconds since start, VmRSS KiB)
    steps = []  # (seconds since start, VmHWM KiB) each time the high-water mark rose
    hwm = None
    with open(outfile, "wb") as out, open(errfile, "wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        pid = child_pid(proc.pid)
        while proc.poll() is None:
            if pid:
                h, r = status_kib(pid, "VmHWM"), status_kib(pid, "VmRSS")
                if h:
                    # VmHWM is max(the kernel's lazily updated hiwater_rss, RSS now): a later read can be lower; keep the max
                    if hwm is None or h > hwm:
                        steps.append((round(time.perf_counter() - t0, 3), h))
                        hwm = h
                    samples.append((round(time.perf_counter() - t0, 3), r))
            time.sleep(0.02)
        wall = time.perf_counter() - t0
    gnu_maxrss, user, system, _ = timefile.read_text().split()[-4:]
    text = outfile.read_text()
    stderr = errfile.read_text().strip()
    bad = []
    if proc.returncode != 0:
        bad.append(f"exit {proc.returncode}")
    try:
        report = json.loads(text)
        bad += check(report, truth)
    except json.JSONDecodeError as ex:
        report = None
        bad.append(f"no JSON on stdout ({ex}): {text[:200]!r}")
    if stderr:
        bad.append(f"stderr: {stderr[:300]}")
    return {"wall": wall, "exit": proc.returncode, "vmhwm_kib": hwm, "gnu_time_maxrss_kib": int(gnu_maxrss), "cpu_user": float(user), "cpu_sys": float(system),
            "rss_samples": samples[:: max(1, len(samples) // 60)],
            "hwm_steps": steps, "vmrss_max_sampled_kib": max((r for _, r in samples if r), default=None),
            "vmrss_median_second_half_kib": statistics.median([r for t, r in samples if r and t >= wall / 2] or [0]), "problems": bad, "totals": report and {k: report["report"]["totals"][k] for k in ("uploads", "parts", "bytes")}}


def spread(values):
    med = statistics.median(values)
    return {"median": med, "min": min(values), "max": max(values), "spread_pct": round(100 * (max(values) - min(values)) / med, 1) if med else 0}


def ceiling(endpoint, seconds, tmp):
    """wrk (1 thread, 64 connections) replaying ListParts requests of bench-report: the server's own ceiling here."""
    if not shutil.which("wrk"):
        return None
    control(endpoint, "config", c=json.dumps({"buckets": {"bench-report": 10000}}))
    paths = control(endpoint, "paths", bucket="bench-report", n=10000).decode().splitlines()
    cpu0 = json.loads(control(endpoint, "stats"))["cpu"]
    lua = tmp / "ceiling.lua"
    lua.write_text("paths = {}\n" + "".join(f'paths[{i + 1}] = "{p}"\n' for i, p in enumerate(paths)) +
                   "i = 0\nrequest = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
    out = subprocess.run(["wrk", "-t1", "-c64", f"-d{seconds}s", "-s", str(lua), endpoint], capture_output=True, text=True, check=True).stdout
    rate = float(next(l for l in out.splitlines() if l.startswith("Requests/sec:")).split()[1])
    stats = json.loads(control(endpoint, "stats"))
    return {"wrk_requests_per_s": rate, "connections": 64, "seconds": seconds, "server_cpu_s": round(stats["cpu"] - cpu0, 2), "server_cpu_share": round((stats["cpu"] - cpu0) / seconds, 2), "other": stats["counts"]["other"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--configs", default="single,multi")
    ap.add_argument("--quick", action="store_true", help="N=2,000, 1 run")
    ap.add_argument("--mpa", help=f"the binary to run (default: a copy of {SOURCE_BINARY.relative_to(ROOT)} made at {BINARY_COPY.relative_to(ROOT)} if absent)")
    ap.add_argument("--out", help="results file (default bench/report/results/latest.json, quick.json with --quick)")
    ap.add_argument("--pin", action="store_true", help="pin mpa to CPU 0 and the server to CPU 1 (taskset): which of them a core limits")
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="extra environment for mpa (e.g. SWEEP_CONCURRENCY=64)")
    ap.add_argument("--no-ceiling", action="store_true", help="skip the wrk ceiling of the server")
    a = ap.parse_args()
    if a.serve:
        return serve(a.serve)
    if a.quick:
        a.sizes, a.runs = "2000", 1
    sizes = [int(s) for s in a.sizes.split(",")]
    extra_env = dict(e.split("=", 1) for e in a.env)
    configs = a.configs.split(",")
    if a.mpa:
        mpa = Path(a.mpa)
    else:
        mpa = BINARY_COPY
        if not mpa.exists():
            OUT.mkdir(parents=True, exist_ok=True)
            shutil.copy2(SOURCE_BINARY, mpa)
    out_path = Path(a.out) if a.out else HERE / "results" / ("quick.json" if a.quick else "latest.json")
    out_path.parent.mkdir(parents=True, exist_ok=True)

    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen((["taskset", "-c", "1"] if a.pin else []) + [sys.executable, __file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "ready"
    meta = {
        "started": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        # HEAD when run.py ran, not necessarily what the binary was built from (see mpa_sha256, mpa_mtime)
        "commit": subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h"], capture_output=True, text=True).stdout.strip(),
        "nproc": os.cpu_count(),
        "loadavg_start": os.getloadavg()[0],
        "mpa": str(mpa), "mpa_bytes": mpa.stat().st_size, "mpa_sha256": hashlib.sha256(mpa.read_bytes()).hexdigest(),
        "mpa_mtime": dt.datetime.fromtimestamp(mpa.stat().st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "pinned": "mpa on CPU 0, server on CPU 1 (taskset)" if a.pin else None,
        "mpa_env_extra": extra_env,
        "rss_method": "VmHWM from /proc/<mpa pid>/status polled every 20 ms (primary); GNU time %M (cross-check)",
    }
    results = {"meta": meta, "rows": [], "ceiling": None}
    failed = False
    try:
        with tempfile.TemporaryDirectory() as td:
            tmp = Path(td)
            for config in configs:
                for n in sizes:
                    layout, args, depth = configs_for(config, n)
                    listed = {b: k for b, k in layout.items() if not b.startswith("decoy")}
                    t0 = time.time()
                    truth = ground_truth(listed, depth)
                    print(f"[{config} N={n:,}] ground truth in {time.time() - t0:.1f}s: {sum(t['uploads'] for t in truth.values()):,} uploads, "
                          f"{sum(t['parts'] for t in truth.values()):,} parts, {sum(t['bytes'] for t in truth.values()):,} bytes", flush=True)
                    runs = []
                    for r in range(a.runs):
                        control(endpoint, "config", c=json.dumps({"buckets": layout, "anchor": int(time.time())}))
                        cpu0 = json.loads(control(endpoint, "stats"))["cpu"]
                        busy0, own0 = busy_seconds(), sum(os.times()[:2])
                        run = run_mpa(mpa, endpoint, args, truth, tmp, a.pin, extra_env)
                        busy1, own1 = busy_seconds(), sum(os.times()[:2])
                        stats = json.loads(control(endpoint, "stats"))
                        counts = {k: v for k, v in stats["counts"].items() if k != "control"}
                        requests = sum(v for k, v in counts.items() if k != "ListPartsContinued")
                        server_cpu = stats["cpu"] - cpu0
                        mpa_cpu = run["cpu_user"] + run["cpu_sys"]
                        run.update({"machine_busy_s": round(busy1[0] - busy0[0], 2), "per_cpu_busy_share": [round((b - c) / run["wall"], 2) for b, c in zip(busy1[1:], busy0[1:])], "harness_cpu_s": round(own1 - own0, 2),
                                    "others_cpu_s": round(max(0.0, (busy1[0] - busy0[0]) - mpa_cpu - server_cpu - (own1 - own0)), 2),
                                    "mpa_cpu_share": round(mpa_cpu / run["wall"], 2), "server_cpu_share": round(server_cpu / run["wall"], 2),
                                    "connections_opened": stats["connections_opened"], "connections_max_open": stats["connections_max_open"]})
                        run.update({"requests": counts, "requests_total": requests, "server_cpu_s": round(stats["cpu"] - cpu0, 3),
                                    "server_errors": stats["errors"], "max_parts_param": stats["maxParts"], "max_uploads_param": stats["maxUploads"],
                                    "req_per_s": requests / run["wall"], "uploads_per_s": n / run["wall"]})
                        if counts["other"]:
                            run["problems"].append(f"{counts['other']} requests the server does not answer: {stats['errors'][:3]}")
                        runs.append(run)
                        print(f"  run {r + 1}: {run['wall']:.2f}s, {requests:,} req ({counts}), {run['req_per_s']:,.0f} req/s, {run['uploads_per_s']:,.0f} uploads/s, "
                              f"mpa cpu {run['cpu_user'] + run['cpu_sys']:.2f}s, server cpu {run['server_cpu_s']:.2f}s, VmHWM {run['vmhwm_kib'] / 1024:.1f} MiB, "
                              f"%M {run['gnu_time_maxrss_kib'] / 1024:.1f} MiB, machine busy {run['machine_busy_s'] / run['wall']:.2f} cores {run['per_cpu_busy_share']} "
                              f"(others {run['others_cpu_s'] / run['wall']:.2f}), VmRSS 2nd half {run['vmrss_median_second_half_kib'] / 1024:.1f} MiB, HWM steps {[(t, round(k / 1024, 1)) for t, k in run['hwm_steps'][-3:]]}, conns {run['connections_opened']} (max open {run['connections_max_open']}), {'OK' if not run['problems'] else 'WRONG: ' + '; '.join(run['problems'])}", flush=True)
                        failed |= bool(run["problems"])
                    row = {"config": config, "n": n, "args": args, "buckets": layout, "truth_totals": {k: sum(t[k] for t in truth.values()) for k in ("uploads", "parts", "bytes")},
                           "runs": runs}
                    for field in ("wall", "req_per_s", "uploads_per_s", "vmhwm_kib", "gnu_time_maxrss_kib", "vmrss_median_second_half_kib", "connections_max_open", "server_cpu_s", "mpa_cpu_share", "server_cpu_share", "others_cpu_s"):
                        row[field] = spread([x[field] for x in runs])
                    row["mpa_cpu_s"] = spread([x["cpu_user"] + x["cpu_sys"] for x in runs])
                    row["requests"] = runs[0]["requests"]
                    row["correct"] = all(not x["problems"] for x in runs)
                    results["rows"].append(row)
            if not a.no_ceiling:
                results["ceiling"] = ceiling(endpoint, 3 if a.quick else 8, tmp)
                print(f"server ceiling (wrk -t1 -c64, ListParts): {results['ceiling']}", flush=True)
    finally:
        server.terminate()
        server.wait()
    meta["loadavg_end"] = os.getloadavg()[0]

    ratios = {}
    for config in configs:
        by_n = {r["n"]: r for r in results["rows"] if r["config"] == config}
        if len(by_n) >= 2:
            lo, hi = min(by_n), max(by_n)
            ratios[config] = {"from": lo, "to": hi, "vmhwm_ratio": round(by_n[hi]["vmhwm_kib"]["median"] / by_n[lo]["vmhwm_kib"]["median"], 3),
                              "gnu_time_ratio": round(by_n[hi]["gnu_time_maxrss_kib"]["median"] / by_n[lo]["gnu_time_maxrss_kib"]["median"], 3)}
    results["rss_ratios"] = ratios
    out_path.write_text(json.dumps(results, indent=1) + "\n")

    print("\n| config | N | wall s (median, min-max) | requests (LMU / LP / LP continued / LB) | req/s | uploads/s | mpa CPU s (cores) | server CPU s (cores) | others' CPU (cores) | peak RSS MiB VmHWM (min-max) | %M MiB | VmRSS 2nd half MiB | max conns | figures |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results["rows"]:
        q = r["requests"]
        print(f"| {r['config']} | {r['n']:,} | {r['wall']['median']:.2f} ({r['wall']['min']:.2f}-{r['wall']['max']:.2f}) | "
              f"{q['ListMultipartUploads']:,} / {q['ListParts']:,} / {q['ListPartsContinued']:,} / {q['ListBuckets']} | {r['req_per_s']['median']:,.0f} | "
              f"{r['uploads_per_s']['median']:,.0f} | {r['mpa_cpu_s']['median']:.2f} ({r['mpa_cpu_share']['median']:.2f}) | {r['server_cpu_s']['median']:.2f} ({r['server_cpu_share']['median']:.2f}) | "
              f"{r['others_cpu_s']['median'] / r['wall']['median']:.2f} | "
              f"{r['vmhwm_kib']['median'] / 1024:.1f} ({r['vmhwm_kib']['min'] / 1024:.1f}-{r['vmhwm_kib']['max'] / 1024:.1f}) | "
              f"{r['gnu_time_maxrss_kib']['median'] / 1024:.1f} | {r['vmrss_median_second_half_kib']['median'] / 1024:.1f} | {r['connections_max_open']['median']} | {'right' if r['correct'] else 'WRONG'} |")
    for config, x in ratios.items():
        print(f"peak RSS {config}: N={x['to']:,} / N={x['from']:,} = {x['vmhwm_ratio']} (VmHWM), {x['gnu_time_ratio']} (%M); within 1.2x: {'yes' if x['vmhwm_ratio'] <= 1.2 else 'NO'}")
    print(f"results: {out_path.relative_to(ROOT) if out_path.is_relative_to(ROOT) else out_path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
