#!/usr/bin/env python3
"""Sweep benchmark: `mpa sweep` (Native AOT) against `rclone backend cleanup` and a 64-thread boto3 abort+verify script.

One run, one moto_server, three settings: moto on loopback as it is (plain); moto behind latency-proxy, +20 ms per
request (latency); and the same proxy answering 503 SlowDown whenever more than K requests are in flight (throttle).
Sections (--sections, all by default):
  compare   plain and latency: rclone, boto3, mpa with default settings (adaptive concurrency), mpa at N small/big
  fixed     latency: mpa default vs --concurrency 8..128 (the best fixed concurrency), against the wrk ceiling
  throttle  throttle: mpa default vs --concurrency at or below K; failures and the share of requests answered SlowDown
  startup   `mpa --version` and a sweep of an empty bucket, start to finish (median of several runs)
  rgw       (not in the default list) a real Ceph RGW started by infra/local/rgw.sh instead of moto: rclone, boto3, mpa default
            and --concurrency 8..64 at N = 2,000 and 8,000 (500 with --quick), against a wrk ceiling of presigned requests;
            also the store's own CPU (radosgw + ceph-osd + ceph-mon) per upload. Writes results/rgw-latest.{json,md}
Every run gets the same freshly seeded stale uploads (moto is reset first). Measured per run: wall time, uploads/s,
requests moto received (its request log), user+sys CPU (wait4) and peak RSS of the tool's process (GNU time's %M),
uploads left over.

usage: python3 bench/sweep/run.py [--quick] [--sections compare,fixed,throttle,startup,rgw] [--out bench/sweep/results]
       python3 bench/sweep/run.py --sections rgw [--rgw-n 2000,8000] [--rgw-fixed 8,16,32,64] [--mpa artifacts/mpa/mpa --no-build]
"""
import argparse
import threading
import json
import os
import re
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "bench" / "out"
MPA = OUT / "mpa" / "mpa"  # --mpa names another binary (e.g. artifacts/mpa/mpa from `make mpa`)
KEYS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "AWS_REGION": "us-east-1"}
REQUEST_LINE = re.compile(r'"(GET|PUT|POST|DELETE|HEAD) ')


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def build(mpa=True, proxy=True):
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    # The same Native AOT executable `make mpa` publishes (PublishAot is set in the project).
    rid = "linux-arm64" if os.uname().machine in ("aarch64", "arm64") else "linux-x64"
    if mpa:
        subprocess.run(["dotnet", "publish", str(ROOT / "src/MultipartAbort.Cli"), "-c", "Release", "-r", rid, "-o", str(OUT / "mpa"), "-nologo", "-v", "q"],
                       check=True, env=env)
    if proxy:
        subprocess.run(["dotnet", "build", str(HERE / "LatencyProxy"), "-c", "Release", "-o", str(OUT / "proxy"), "-nologo", "-v", "q"], check=True, env=env)


def s3(endpoint, pool=16):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(max_pool_connections=pool, s3={"addressing_style": "path"}))


def seed(moto, bucket, n):
    """Resets moto and makes n stale uploads (one 1 KiB part each), 16 at a time, straight to moto."""
    urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/reset", method="POST"))
    fill(s3(moto), bucket, n)


def fill(client, bucket, n):
    """Creates the bucket with n stale uploads of one 1 KiB part each, 16 at a time: the same seed on every store."""
    client.create_bucket(Bucket=bucket)

    def one(i):
        key = f"stale/{i:06d}.bin"
        upload = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
        client.upload_part(Bucket=bucket, Key=key, UploadId=upload, PartNumber=1, Body=b"x" * 1024)

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(one, range(n)))


def remaining(moto, bucket):
    return len(s3(moto).list_multipart_uploads(Bucket=bucket).get("Uploads", []))


class MotoLog:
    def __init__(self, path):
        self.path, self.offset = path, 0

    def mark(self):
        self.offset = self.path.stat().st_size

    def requests_since_mark(self):
        time.sleep(0.3)
        with open(self.path, "rb") as f:
            f.seek(self.offset)
            text = f.read().decode("utf-8", "replace")
        counts = {}
        for m in REQUEST_LINE.finditer(text):
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        return counts


GNU_TIME = "/usr/bin/time"


def timed(cmd, env):
    """Runs cmd; returns wall seconds, user+sys CPU seconds and peak RSS (MiB) of that process (and its children).

    Peak RSS comes from GNU time, not from our own wait4: Linux carries a process's RSS high-water mark across
    exec, so a tool spawned straight from this script reports at least this script's RSS (~60-70 MiB with boto3
    loaded). time(1) is a small process that forks the tool, so its %M is the tool's own.
    """
    with tempfile.NamedTemporaryFile(prefix="rss-", suffix=".txt") as rss_file:
        start = time.perf_counter()
        proc = subprocess.Popen([GNU_TIME, "-f", "%M", "-o", rss_file.name, *cmd], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        stdout_chunks, stderr_chunks = [], []
        t1 = threading.Thread(target=lambda: stdout_chunks.append(proc.stdout.read()))
        t2 = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()))
        t1.start(); t2.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        t1.join(); t2.join()
        rss_kib = int(Path(rss_file.name).read_text().split()[-1])
    code = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss_mib": rss_kib / 1024,
        "exit": code,
        "stdout": stdout_chunks[0].decode(errors="replace"),
        "stderr": stderr_chunks[0].decode(errors="replace"),
    }


def wrk_ceiling(endpoint, connections, seconds, moto):
    client = s3(moto)
    try:
        client.create_bucket(Bucket="bench-ceiling")
    except Exception:
        pass
    # The best of two runs: the box is shared, and a ceiling is what the setup can do, not what it did once.
    best, text = 0.0, ""
    for _ in range(2):
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(HERE / "ceiling.lua"), endpoint], capture_output=True, text=True, check=True).stdout
        rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        if rate > best:
            best, text = rate, out
    return best, text


class RefusalCounter:
    """Reads the throttling proxy's stdout ("refused N" per 503 SlowDown) and keeps the running total."""

    def __init__(self, proc):
        self.total = 0
        threading.Thread(target=self._read, args=(proc.stdout,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            m = re.match(rb"refused (\d+)", line)
            if m:
                self.total = int(m.group(1))


def settled_concurrency(stdout):
    """The `concurrency` mpa's --json summary reports for its sweep (where the adaptive limit settled)."""
    try:
        summary = json.loads(stdout)["summary"]
        sweep = summary.get("sweep") or (summary.get("sweeps") or [{}])[0]
        return sweep.get("concurrency")
    except (ValueError, KeyError, IndexError):
        return None


def failures(stdout):
    try:
        outcomes = json.loads(stdout)["summary"]
        return sum(outcomes.get(k, 0) for k in ("failed", "dead-lettered", "requeued"))
    except (ValueError, KeyError):
        return None


MOTO_SECTIONS = ("compare", "fixed", "throttle", "startup")


def main():
    global MPA
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes and fewer settings, to check the harness (~10 min on a quiet box)")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--delay-ms", type=float, default=20)
    ap.add_argument("--k", type=int, default=16, help="throttle setting: SlowDown above this many requests in flight")
    ap.add_argument("--fixed", default="8,16,32,64,128", help="fixed concurrencies to try in the fixed section")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--sections", default=",".join(MOTO_SECTIONS), help="any of compare,fixed,throttle,startup (moto) and rgw (Ceph RGW; not run by default)")
    ap.add_argument("--mpa", help="the mpa binary to measure (e.g. artifacts/mpa/mpa); default: publish it into bench/out/mpa")
    ap.add_argument("--ceiling-seconds", type=int, help="length of each wrk ceiling run (default 10, 5 with --quick)")
    ap.add_argument("--rgw-n", help="rgw section: the numbers of stale uploads (default 2000,8000; 500 with --quick)")
    ap.add_argument("--rgw-fixed", help="rgw section: the fixed concurrencies (default 8,16,32,64; 8,32 with --quick)")
    ap.add_argument("--rgw-dir", help="rgw section: use the RGW already started in DIR by `infra/local/rgw.sh start DIR` (left running); "
                                      "default: start one in a temporary directory and stop it at the end")
    args = ap.parse_args()
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"{GNU_TIME} (GNU time) is needed for the peak RSS of each tool: apt-get install -y time")
    sections = [x for x in args.sections.split(",") if x]
    unknown = set(sections) - set(MOTO_SECTIONS) - {"rgw"}
    if unknown:
        sys.exit(f"unknown section(s): {', '.join(sorted(unknown))} (known: {', '.join(MOTO_SECTIONS)}, rgw)")
    moto_sections = [x for x in sections if x in MOTO_SECTIONS]
    if args.mpa:
        MPA = Path(args.mpa).resolve()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not args.no_build:
        build(mpa=not args.mpa, proxy=bool(moto_sections))
    if not os.access(MPA, os.X_OK):
        sys.exit(f"{MPA} is missing: run without --no-build, or name a binary with --mpa")
    if moto_sections:
        run_moto(args, moto_sections, out_dir)
    if "rgw" in sections:
        run_rgw(args, out_dir)


def run_moto(args, sections, out_dir):
    """The compare, fixed, throttle and startup sections, on one moto_server: results/latest.{json,md}."""
    n_main, n_small, n_big = (200, 50, 800) if args.quick else (2000, 500, 8000)
    fixed = [int(c) for c in args.fixed.split(",")] if not args.quick else [8, 32, 128]
    throttle_fixed = sorted({max(1, args.k // 4), max(1, args.k // 2), args.k})
    startup_runs = 5 if args.quick else 21
    ceiling_seconds = args.ceiling_seconds or (5 if args.quick else 10)
    load_at_start = os.getloadavg()

    OUT.mkdir(parents=True, exist_ok=True)
    moto_port, proxy_port, throttle_port = free_port(), free_port(), free_port()
    moto_log_path = OUT / "moto.log"
    moto_log = open(moto_log_path, "wb")
    moto_proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=moto_log, stderr=subprocess.STDOUT)
    proxy = str(OUT / "proxy" / "latency-proxy")
    proxy_proc = subprocess.Popen([proxy, "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{moto_port}", "--delay-ms", str(args.delay_ms)],
                                  stdout=subprocess.DEVNULL)
    throttle_proc = subprocess.Popen([proxy, "--listen", f"127.0.0.1:{throttle_port}", "--upstream", f"127.0.0.1:{moto_port}", "--delay-ms", str(args.delay_ms),
                                      "--max-in-flight", str(args.k)], stdout=subprocess.PIPE)
    refusals = RefusalCounter(throttle_proc)
    moto = f"http://127.0.0.1:{moto_port}"
    endpoints = {"plain": moto, "latency": f"http://127.0.0.1:{proxy_port}", "throttle": f"http://127.0.0.1:{throttle_port}"}
    log = MotoLog(moto_log_path)
    rows, ceilings, startup = [], {}, {}
    bucket = "bench-sweep"
    try:
        wait_http(moto + "/moto-api/")
        wait_http(endpoints["latency"] + "/moto-api/")
        wait_http(endpoints["throttle"] + "/moto-api/")
        base_env = {k: v for k, v in os.environ.items() if k not in ("AWS_CA_BUNDLE", "SWEEP_CONCURRENCY")}  # rclone 1.60 refuses an http endpoint with a CA bundle set
        base_env.update(KEYS)

        def env_for(endpoint):
            return dict(base_env, RCLONE_CONFIG_BENCH_TYPE="s3", RCLONE_CONFIG_BENCH_PROVIDER="Other", RCLONE_CONFIG_BENCH_ENDPOINT=endpoint,
                        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="testing", RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="testing", RCLONE_CONFIG_BENCH_REGION="us-east-1",
                        COS_ENDPOINT=endpoint, COS_ACCESS_KEY_ID="testing", COS_SECRET_ACCESS_KEY="testing")

        def mpa(concurrency=None):
            # --min-idle PT0S: the seeded parts landed seconds ago, so under the default MIN_IDLE (PT1H) every upload is
            # active and left alone, and the sweep measures one ListParts an upload instead of probe + abort + verify.
            cmd = [str(MPA), "sweep", "--bucket", bucket, "--older-than", "PT1H", "--min-idle", "PT0S", "--json"]
            return cmd + (["--concurrency", str(concurrency)] if concurrency else [])

        def run(section, setting, tool, cmd, n, in_flight):
            seed(moto, bucket, n)
            log.mark()
            refused_before = refusals.total
            r = timed(cmd, env_for(endpoints[setting]))
            requests = log.requests_since_mark()
            left = remaining(moto, bucket)
            total = sum(requests.values())
            refused = refusals.total - refused_before if setting == "throttle" else 0
            row = {
                "section": section, "setting": setting, "tool": tool, "n": n, "wall_s": round(r["wall"], 2), "uploads_per_s": round(n / r["wall"], 1),
                "requests": total, "by_method": requests, "requests_per_s": round(total / r["wall"], 1),
                "cpu_s": round(r["cpu"], 3), "cpu_ms_per_upload": round(1000 * r["cpu"] / n, 3), "rss_mib": round(r["rss_mib"], 1),
                "left": left, "exit": r["exit"], "concurrency": in_flight, "slowdown": refused,
                "slowdown_share": round(refused / (total + refused), 4) if total + refused else 0,
            }
            if tool.startswith("mpa"):
                row["settled"] = settled_concurrency(r["stdout"])
                row["failures"] = failures(r["stdout"])
            if r["exit"] != 0:
                row["stderr_tail"] = r["stderr"][-2000:]
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "stderr_tail"}), flush=True)

        if "compare" in sections:
            for setting in ("plain", "latency"):
                endpoint = endpoints[setting]
                ceilings[setting], _ = wrk_ceiling(endpoint, 64, ceiling_seconds, moto)
                print(f"[{setting}] request ceiling (wrk, 64 connections): {ceilings[setting]:.0f} req/s", flush=True)
                run("compare", setting, "rclone backend cleanup", ["rclone", "backend", "cleanup", f"bench:{bucket}", "-o", "max-age=1h"], n_main, "1")
                run("compare", setting, "boto3 64 threads", [sys.executable, str(HERE / "boto3_sweep.py"), endpoint, bucket, "64"], n_main, "64")
                for n in (n_main, n_small, n_big):
                    run("compare", setting, "mpa sweep (default)", mpa(), n, "adaptive")
        if "fixed" in sections:
            if "latency" not in ceilings:
                ceilings["latency"], _ = wrk_ceiling(endpoints["latency"], 64, ceiling_seconds, moto)
            run("fixed", "latency", "mpa sweep (default)", mpa(), n_main, "adaptive")
            for c in fixed:
                run("fixed", "latency", f"mpa sweep --concurrency {c}", mpa(c), n_main, str(c))
        if "throttle" in sections:
            run("throttle", "throttle", "mpa sweep (default)", mpa(), n_main, "adaptive")
            for c in throttle_fixed:
                run("throttle", "throttle", f"mpa sweep --concurrency {c}", mpa(c), n_main, str(c))
        if "startup" in sections:
            seed(moto, bucket, 0)
            for name, cmd in (("mpa --version", [str(MPA), "--version"]), ("mpa sweep (empty bucket)", mpa())):
                walls = [timed(cmd, env_for(moto))["wall"] for _ in range(startup_runs)]
                startup[name] = {"median_ms": round(1000 * statistics.median(walls), 1), "min_ms": round(1000 * min(walls), 1), "runs": len(walls)}
                print(json.dumps({name: startup[name]}), flush=True)
    finally:
        for proc in (throttle_proc, proxy_proc, moto_proc):
            proc.terminate()
            proc.wait()

    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": f"{os.cpu_count()} cores", "delay_ms": args.delay_ms, "k": args.k,
              "quick": args.quick, "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(),
              "ceilings_req_per_s": ceilings, "rows": rows, "startup": startup}
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2))
    text = render(result, n_main, n_small, n_big)
    (out_dir / "latest.md").write_text(text)
    print(text)



# ----------------------------------------------------------------------------------------------------------------------
# rgw: the same tools against a real Ceph RGW (infra/local/rgw.sh: one mon, one memstore OSD, radosgw on loopback).

RGW_SCRIPT = ROOT / "infra" / "local" / "rgw.sh"
RGW_DAEMONS = {"radosgw": "client.rgw", "ceph-osd": "osd.0", "ceph-mon": "mon.a"}  # rgw.sh writes DIR/run/NAME.pid
CLK_TCK = os.sysconf("SC_CLK_TCK")
# Variables that would change what a tool does or where it goes; the rgw section sets the ones it means.
TOOL_VARIABLES = re.compile(r"^(AWS_|COS_|RCLONE_|SWEEP_|POWERTOOLS_|MIN_UPLOAD_AGE$|ALLOWED_BUCKETS$|RETRY_QUEUE_URL$)")
# Answers that count toward the ceiling: RGW says NoSuchUpload to an abort of an unknown upload and NoSuchKey to its ListParts.
CEILING_ANSWERS = ("404 NoSuchUpload", "404 NoSuchKey")


class Rgw:
    """A Ceph RGW started by infra/local/rgw.sh (or already running in --rgw-dir): endpoint, keys, and its daemons'
    CPU (/proc/PID/stat) and request counter (radosgw's admin socket)."""

    def __init__(self, directory, owned):
        self.dir, self.owned = Path(directory), owned
        env = dict(line.split("=", 1) for line in (self.dir / "env").read_text().split())
        self.endpoint, self.access_key, self.secret_key = env["RGW_ENDPOINT"], env["RGW_ACCESS_KEY"], env["RGW_SECRET_KEY"]
        self.pids = {daemon: int((self.dir / "run" / f"{name}.pid").read_text()) for daemon, name in RGW_DAEMONS.items()}
        self.asok = self.dir / "run" / f"client.rgw.{self.pids['radosgw']}.asok"

    @classmethod
    def start(cls, directory=None):
        if directory:
            return cls(directory, owned=False)
        directory = tempfile.mkdtemp(prefix="mpa-bench-rgw-")
        done = subprocess.run(["bash", str(RGW_SCRIPT), "start", directory], capture_output=True, text=True)
        if done.returncode != 0:
            subprocess.run(["bash", str(RGW_SCRIPT), "stop", directory], capture_output=True)
            raise SystemExit(f"infra/local/rgw.sh start failed ({done.returncode}); is Ceph installed (bash infra/local/rgw.sh install)?\n"
                             f"{done.stdout}{done.stderr}")
        return cls(directory, owned=True)

    def stop(self):
        if self.owned:
            subprocess.run(["bash", str(RGW_SCRIPT), "stop", str(self.dir)], check=False)

    def cpu(self):
        """user+sys CPU seconds so far of each daemon, all its threads (fields 14 and 15 of /proc/PID/stat)."""
        out = {}
        for daemon, pid in self.pids.items():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[daemon] = (int(fields[11]) + int(fields[12])) / CLK_TCK
        return out

    def admin(self, command):
        """One command on radosgw's admin socket, as `ceph daemon` sends it (JSON ending in NUL; the answer is a 4-byte
        big-endian length, then the text), without starting the Python ceph CLI on every run."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(30)
            sock.connect(str(self.asok))
            sock.sendall(json.dumps(command).encode() + b"\0")
            data = b""
            while len(data) < 4 or len(data) < 4 + struct.unpack(">I", data[:4])[0]:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError(f"radosgw's admin socket closed after {len(data)} bytes ({command})")
                data += chunk
        return json.loads(data[4:4 + struct.unpack(">I", data[:4])[0]])

    def requests(self):
        """Requests radosgw has received so far (its perf counter rgw.req, which counts failed ones too)."""
        return self.admin({"prefix": "perf dump", "logger": "rgw"})["rgw"]["req"]


def rgw_client(rgw, pool=16):
    # No checksums on requests that do not need them: boto3 >= 1.36 adds CRC32 to every upload_part by default.
    return boto3.client("s3", endpoint_url=rgw.endpoint, region_name="us-east-1", aws_access_key_id=rgw.access_key, aws_secret_access_key=rgw.secret_key,
                        config=Config(max_pool_connections=pool, signature_version="s3v4", s3={"addressing_style": "path"},
                                      retries={"max_attempts": 5, "mode": "standard"},
                                      request_checksum_calculation="when_required", response_checksum_validation="when_required"))




def rgw_remaining(client, bucket):
    """Uploads still listed, every page (RGW pages at 1,000, unlike moto)."""
    return sum(len(page.get("Uploads", [])) for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket))


def rgw_ceiling(rgw, client, connections, seconds, pairs=2000):
    """What RGW answers per second: wrk cycling through presigned AbortMultipartUpload + ListParts pairs of unknown
    uploads (ceiling_presigned.lua). RGW checks signatures, so ceiling.lua's unsigned requests would only measure how fast
    it says 403; only 2xx and 404 NoSuchUpload / NoSuchKey answers count. Best of two runs, as on moto."""
    bucket = "bench-ceiling"
    try:
        client.create_bucket(Bucket=bucket)
    except ClientError as e:
        if e.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    lines = []
    for j in range(pairs):
        for operation, method in (("abort_multipart_upload", "DELETE"), ("list_parts", "GET")):
            url = urlsplit(client.generate_presigned_url(operation, Params={"Bucket": bucket, "Key": f"k{j}", "UploadId": f"u{j}"}, ExpiresIn=3600))
            lines.append(f"{method} {url.path}?{url.query}")
    best = None
    with tempfile.NamedTemporaryFile("w", prefix="ceiling-", suffix=".txt") as pool_file:
        pool_file.write("\n".join(lines) + "\n")
        pool_file.flush()
        for _ in range(2):
            cpu_before = rgw.cpu()
            out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(HERE / "ceiling_presigned.lua"), rgw.endpoint, "--", pool_file.name],
                                 capture_output=True, text=True, check=True).stdout
            cpu_after = rgw.cpu()
            answers = {m.group(1): int(m.group(2)) for m in re.finditer(r"^answer (\d+ \S+) (\d+)$", out, re.M)}
            duration = int(re.search(r"^duration_us (\d+)$", out, re.M).group(1)) / 1e6
            served = sum(count for answer, count in answers.items() if answer.startswith("2") or answer in CEILING_ANSWERS)
            store_cpu = sum(cpu_after.values()) - sum(cpu_before.values())
            run = {"req_per_s": round(served / duration, 1), "served": served, "answers": answers, "duration_s": round(duration, 2),
                   "store_cpu_ms_per_request": round(1000 * store_cpu / served, 3) if served else None,
                   "wrk_requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
                   "socket_errors": (re.search(r"Socket errors:.*", out) or [None])[0]}
            if best is None or run["req_per_s"] > best["req_per_s"]:
                best = run
    refused = {answer: count for answer, count in best["answers"].items() if not (answer.startswith("2") or answer in CEILING_ANSWERS)}
    if refused:
        print(f"[rgw] the ceiling run got answers that do not count: {refused}", flush=True)
    return best


def run_rgw(args, out_dir):
    """The rgw section: results/rgw-latest.{json,md}."""
    ns = [int(x) for x in (args.rgw_n or ("500" if args.quick else "2000,8000")).split(",")]
    fixed = [int(x) for x in (args.rgw_fixed or ("8,32" if args.quick else "8,16,32,64")).split(",")]
    ceiling_seconds = args.ceiling_seconds or (5 if args.quick else 10)
    load_at_start, started = os.getloadavg(), time.time()
    rgw = Rgw.start(args.rgw_dir)
    print(f"[rgw] radosgw at {rgw.endpoint} ({rgw.dir}; pids {rgw.pids})", flush=True)
    rows, stamp, seq = [], time.strftime("%H%M%S"), [0]
    try:
        client = rgw_client(rgw)
        # RGW's GC frees an aborted upload's part data rgw_gc_obj_min_wait after the abort (30 s in rgw.sh), which would
        # land that work in a later run's window (and the wrong tool's figure); put it off for the whole benchmark.
        # The abort itself (index entry removed, GC chain queued) costs the same either way. 8,000 x 1 KiB parts a run
        # fit the memstore easily.
        gc_wait_before = rgw.admin({"prefix": "config get", "var": "rgw_gc_obj_min_wait"})["rgw_gc_obj_min_wait"]
        rgw.admin({"prefix": "config set", "var": "rgw_gc_obj_min_wait", "val": ["86400"]})
        ceph_version = subprocess.run(["ceph", "--version"], capture_output=True, text=True).stdout.strip()
        rclone_version = subprocess.run(["rclone", "version"], capture_output=True, text=True).stdout.split("\n")[0]
        mpa_version = subprocess.run([str(MPA), "--version"], capture_output=True, text=True).stdout.strip()
        # The store's background CPU with nothing to do (mon and OSD ticks), included in every run's store CPU.
        idle_before, idle_start = rgw.cpu(), time.perf_counter()
        time.sleep(5)
        idle_ms_per_s = round(1000 * (sum(rgw.cpu().values()) - sum(idle_before.values())) / (time.perf_counter() - idle_start), 1)
        print(f"[rgw] idle store CPU: {idle_ms_per_s} ms/s", flush=True)
        ceiling = rgw_ceiling(rgw, client, 64, ceiling_seconds)
        print(f"[rgw] request ceiling (wrk, 64 connections, presigned): {ceiling['req_per_s']:.0f} req/s; {ceiling['answers']}", flush=True)

        base_env = {k: v for k, v in os.environ.items() if not TOOL_VARIABLES.match(k)}
        env = dict(base_env, AWS_ACCESS_KEY_ID=rgw.access_key, AWS_SECRET_ACCESS_KEY=rgw.secret_key, AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
                   COS_ENDPOINT=rgw.endpoint, COS_ACCESS_KEY_ID=rgw.access_key, COS_SECRET_ACCESS_KEY=rgw.secret_key,
                   RCLONE_CONFIG_BENCH_TYPE="s3", RCLONE_CONFIG_BENCH_PROVIDER="Ceph", RCLONE_CONFIG_BENCH_ENDPOINT=rgw.endpoint,
                   RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=rgw.access_key, RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=rgw.secret_key, RCLONE_CONFIG_BENCH_REGION="us-east-1")

        def mpa(bucket, concurrency=None):
            # RGW dates uploads when they are made (moto: 2010), so seconds-old uploads need PT0S, which needs --allow-young.
            cmd = [str(MPA), "sweep", "--bucket", bucket, "--older-than", "PT0S", "--allow-young", "--min-idle", "PT0S", "--json"]
            return cmd + (["--concurrency", str(concurrency)] if concurrency else [])

        def run(tool, command, n, in_flight):
            seq[0] += 1
            bucket = f"sweep-{stamp}-{seq[0]:02d}"  # a fresh bucket per run: deleting 8,000 uploads' worth is slower than making a new one
            seed_start = time.perf_counter()
            fill(client, bucket, n)
            seed_s = time.perf_counter() - seed_start
            time.sleep(1.5)  # every upload older than PT0S / max-age 0s by a clear margin
            requests_before, cpu_before = rgw.requests(), rgw.cpu()
            r = timed(command(bucket), env)
            cpu_after, requests_after = rgw.cpu(), rgw.requests()
            left = rgw_remaining(client, bucket)
            store_cpu = {d: round(cpu_after[d] - cpu_before[d], 3) for d in cpu_after}
            total = requests_after - requests_before
            row = {
                "section": "rgw", "setting": "rgw", "tool": tool, "n": n, "bucket": bucket, "seed_s": round(seed_s, 1),
                "wall_s": round(r["wall"], 2), "uploads_per_s": round(n / r["wall"], 1),
                "requests": total, "requests_per_s": round(total / r["wall"], 1),
                "cpu_s": round(r["cpu"], 3), "cpu_ms_per_upload": round(1000 * r["cpu"] / n, 3), "rss_mib": round(r["rss_mib"], 1),
                "store_cpu_s": round(sum(store_cpu.values()), 3), "store_cpu_ms_per_upload": round(1000 * sum(store_cpu.values()) / n, 3),
                "store_cpu_by_daemon_s": store_cpu, "left": left, "exit": r["exit"], "concurrency": in_flight,
            }
            if tool.startswith("mpa"):
                row["settled"] = settled_concurrency(r["stdout"])
                row["failures"] = failures(r["stdout"])
            else:
                row["stdout_tail"] = r["stdout"].strip()[-300:]
            if r["exit"] != 0:
                row["stderr_tail"] = r["stderr"][-2000:]
            rows.append(row)
            print(json.dumps({k: v for k, v in row.items() if k != "stderr_tail"}), flush=True)
            if r["exit"] != 0:
                print(f"[rgw] {tool} exited {r['exit']}: {r['stderr'][-600:]}", flush=True)

        for n in ns:
            # rclone: unverified, one request per upload; max-age=0s because these uploads are seconds old.
            run("rclone backend cleanup", lambda b: ["rclone", "backend", "cleanup", f"bench:{b}", "-o", "max-age=0s"], n, "1")
            run("boto3 64 threads", lambda b: [sys.executable, str(HERE / "boto3_sweep.py"), rgw.endpoint, b, "64"], n, "64")
            run("mpa sweep (default)", mpa, n, "adaptive")
            for c in fixed:
                run(f"mpa sweep --concurrency {c}", lambda b, c=c: mpa(b, c), n, str(c))
        if not rgw.owned:
            rgw.admin({"prefix": "config set", "var": "rgw_gc_obj_min_wait", "val": [gc_wait_before]})
    finally:
        rgw.stop()

    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "minutes": round((time.time() - started) / 60, 1), "machine": f"{os.cpu_count()} cores",
              "quick": args.quick, "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(),
              "ceph": ceph_version, "rclone": rclone_version, "mpa": mpa_version, "n": ns, "fixed": fixed,
              "store_idle_cpu_ms_per_s": idle_ms_per_s, "ceiling": ceiling, "ceiling_seconds": ceiling_seconds, "rows": rows}
    (out_dir / "rgw-latest.json").write_text(json.dumps(result, indent=2))
    text = render_rgw(result)
    (out_dir / "rgw-latest.md").write_text(text)
    print(text)


def render_rgw(result):
    rows, ceiling = result["rows"], result["ceiling"]
    mode = "quick" if result["quick"] else "full" if result["n"] == [2000, 8000] else f"N = {', '.join(f'{n:,}' for n in result['n'])}"
    refused = {a: c for a, c in ceiling["answers"].items() if not (a.startswith("2") or a in CEILING_ANSWERS)}
    lines = [f"Ceph RGW run of {result['when']} ({mode}, {result['minutes']} min; load average {result['load_average_at_start'][0]:.1f} at the start, "
             f"{result['load_average_at_end'][0]:.1f} at the end). {result['ceph']}; {result['rclone']}; mpa {result['mpa']}.", "",
             f"Request ceiling (wrk -t2 -c64, best of two {result['ceiling_seconds']} s runs cycling 4,000 presigned AbortMultipartUpload + ListParts "
             f"requests of unknown uploads; only 2xx and 404 NoSuchUpload/NoSuchKey counted): **{ceiling['req_per_s']:.0f} req/s**, "
             f"store CPU {ceiling['store_cpu_ms_per_request']} ms/request" + (f"; answers not counted: {refused}" if refused else "") + ".",
             f"Store CPU = radosgw + ceph-osd + ceph-mon (/proc/PID/stat) over the tool's run; idle, they use {result['store_idle_cpu_ms_per_s']} ms/s, "
             "included. RGW's GC of the aborted parts is deferred past the benchmark (rgw_gc_obj_min_wait 1 day), so it is in no figure.", "",
             "| tool | in flight | settled | N | uploads/s | wall s | requests | req/s | % of ceiling | CPU ms/upload | peak RSS MiB | store CPU ms/upload | failed | left over |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['tool']} | {r['concurrency']} | {r.get('settled') or ''} | {r['n']:,} | {r['uploads_per_s']} | {r['wall_s']} | {r['requests']:,} | "
                     f"{r['requests_per_s']} | {100 * r['requests_per_s'] / ceiling['req_per_s']:.0f}% | {r['cpu_ms_per_upload']} | {r['rss_mib']} | "
                     f"{r['store_cpu_ms_per_upload']} | {r.get('failures') if r.get('failures') is not None else ''} | {r['left']} |")
    lines.append("")
    for n in result["n"]:
        at_n = [r for r in rows if r["n"] == n]
        default = next((r for r in at_n if r["tool"] == "mpa sweep (default)"), None)
        rclone = next((r for r in at_n if r["tool"].startswith("rclone")), None)
        boto = next((r for r in at_n if r["tool"].startswith("boto3")), None)
        fixed = [r for r in at_n if r["tool"].startswith("mpa sweep --concurrency") and r["exit"] == 0 and r["left"] == 0]
        if not default:
            continue
        line = f"- N = {n:,}: mpa default {default['uploads_per_s']} uploads/s (settled at {default.get('settled')})"
        if fixed:
            best = max(fixed, key=lambda r: r["uploads_per_s"])
            line += f" = {100 * default['uploads_per_s'] / best['uploads_per_s']:.0f}% of the best fixed ({best['tool']}: {best['uploads_per_s']}/s)"
        for peer in (rclone, boto):
            if peer and peer["uploads_per_s"] and peer["cpu_ms_per_upload"] and peer["store_cpu_ms_per_upload"]:
                line += (f"; vs {peer['tool']}{' (unverified)' if peer is rclone else ''}: {default['uploads_per_s'] / peer['uploads_per_s']:.2f}x the uploads/s, "
                         f"{default['cpu_ms_per_upload'] / peer['cpu_ms_per_upload']:.2f}x the CPU/upload, "
                         f"{default['store_cpu_ms_per_upload'] / peer['store_cpu_ms_per_upload']:.2f}x the store CPU/upload")
        lines.append(line)
    return "\n".join(lines) + "\n"

def render(result, n_main, n_small, n_big):
    rows, ceil, k = result["rows"], result["ceilings_req_per_s"], result["k"]
    lines = [f"Run of {result['when']} ({'quick' if result['quick'] else 'full'}; load average {result['load_average_at_start'][0]:.1f} at the start, "
             f"{result['load_average_at_end'][0]:.1f} at the end)", "",
             "| section | setting | tool | in flight | settled | N | wall s | uploads/s | requests | req/s | % of ceiling | SlowDown | CPU s | CPU ms/upload | peak RSS MiB | failed | left |",
             "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        c = ceil.get(r["setting"])
        pct = f"{100 * r['requests_per_s'] / c:.0f}%" if c else ""
        slow = f"{r['slowdown']} ({100 * r['slowdown_share']:.1f}%)" if r["setting"] == "throttle" else ""
        lines.append(f"| {r['section']} | {r['setting']} | {r['tool']} | {r['concurrency']} | {r.get('settled') or ''} | {r['n']:,} | {r['wall_s']} | {r['uploads_per_s']} | "
                     f"{r['requests']:,} | {r['requests_per_s']} | {pct} | {slow} | {r['cpu_s']} | {r['cpu_ms_per_upload']} | {r['rss_mib']} | "
                     f"{r.get('failures', '') if r.get('failures') is not None else ''} | {r['left']} |")
    lines.append("")
    if ceil:
        lines.append("Request ceiling (wrk, 64 connections, DELETE+GET of unknown uploads): " + ", ".join(f"{k_} {v:.0f} req/s" for k_, v in ceil.items()))
    for name, s in result.get("startup", {}).items():
        lines.append(f"- start to finish, {name}: median {s['median_ms']} ms (min {s['min_ms']} ms, {s['runs']} runs)")
    lines.append("")

    def get(section, setting, tool, n=n_main):
        return next((r for r in rows if r["section"] == section and r["setting"] == setting and r["tool"] == tool and r["n"] == n), None)

    checks = ["Targets:"]
    default = "mpa sweep (default)"
    fixed_rows = [r for r in rows if r["section"] == "fixed" and r["tool"] != default]
    d = get("fixed", "latency", default)
    if d and fixed_rows:
        best = max(fixed_rows, key=lambda r: r["uploads_per_s"])
        checks.append(f"- 20 ms: default {d['uploads_per_s']} uploads/s (settled at {d.get('settled')}) = {100 * d['uploads_per_s'] / best['uploads_per_s']:.0f}% of the best fixed "
                      f"({best['tool']}, {best['uploads_per_s']}/s) [target >= 90%]; {100 * d['requests_per_s'] / ceil['latency']:.0f}% of the request ceiling [target >= 95%]")
    t = get("throttle", "throttle", default)
    t_fixed = [r for r in rows if r["section"] == "throttle" and r["tool"] != default and r["failures"] == 0]
    if t:
        line = (f"- SlowDown above {k}: default failed {t['failures']} [target 0], SlowDown {100 * t['slowdown_share']:.1f}% of requests [target <= 2%], "
                f"settled at {t.get('settled')}")
        if t_fixed:
            best = max(t_fixed, key=lambda r: r["uploads_per_s"])
            line += f", {t['uploads_per_s']} uploads/s = {100 * t['uploads_per_s'] / best['uploads_per_s']:.0f}% of the best fixed <= K ({best['tool']}, {best['uploads_per_s']}/s) [target >= 85%]"
        checks.append(line)
    for setting in ("plain", "latency"):
        m, rc = get("compare", setting, default), get("compare", setting, "rclone backend cleanup")
        small, big = get("compare", setting, default, n_small), get("compare", setting, default, n_big)
        if m and rc:
            checks.append(f"- {setting}: CPU/upload {m['cpu_ms_per_upload']} ms vs rclone {rc['cpu_ms_per_upload']} ms = {m['cpu_ms_per_upload'] / rc['cpu_ms_per_upload']:.2f}x [target <= 2x]; "
                          f"uploads/s {m['uploads_per_s']} = {m['uploads_per_s'] / rc['uploads_per_s']:.2f}x rclone")
        if m and small and big:
            checks.append(f"- {setting}: peak RSS at {n_main:,} = {m['rss_mib']} MiB [target <= 60]; at {n_big:,} vs {n_small:,} = {big['rss_mib'] / small['rss_mib']:.2f}x [target <= 1.2x]")
    for name, s in result.get("startup", {}).items():
        checks.append(f"- {name}: median {s['median_ms']} ms [target <= 50 ms]")
    return "\n".join(lines + checks) + "\n"


if __name__ == "__main__":
    main()
