#!/usr/bin/env python3
"""Sweep benchmark: `mpa sweep` against `rclone backend cleanup` and a 64-thread boto3 abort+verify script.

Two settings, one run: moto on loopback as it is, and moto behind latency-proxy (+20 ms per request, an
in-region store's round trip). Every run gets the same freshly seeded stale uploads (moto is reset first).
Measured per run: wall time, uploads/s, requests moto received (its request log), user+sys CPU and peak RSS
of the tool's process (wait4), uploads left over. The request ceiling of each setting is measured with wrk.

usage: python3 bench/sweep/run.py [--quick] [--out bench/sweep/results]
"""
import argparse
import threading
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "bench" / "out"
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


def build():
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    # ReadyToRun: the AWS SDK precompiled, so a sweep does not spend its first second JIT-compiling it.
    subprocess.run(["dotnet", "publish", str(ROOT / "src/MultipartAbort.Cli"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
                    "-p:PublishReadyToRun=true", "-o", str(OUT / "mpa"), "-nologo", "-v", "q"], check=True, env=env)
    subprocess.run(["dotnet", "build", str(HERE / "LatencyProxy"), "-c", "Release", "-o", str(OUT / "proxy"), "-nologo", "-v", "q"], check=True, env=env)


def s3(endpoint, pool=16):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing",
                        config=Config(max_pool_connections=pool, s3={"addressing_style": "path"}))


def seed(moto, bucket, n):
    """Resets moto and makes n stale uploads (one 1 KiB part each), 16 at a time, straight to moto."""
    urllib.request.urlopen(urllib.request.Request(moto + "/moto-api/reset", method="POST"))
    client = s3(moto)
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


def timed(cmd, env):
    """Runs cmd; returns wall seconds, user+sys CPU seconds and peak RSS (MiB) of that process (and its children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout_chunks, stderr_chunks = [], []
    t1 = threading.Thread(target=lambda: stdout_chunks.append(proc.stdout.read()))
    t2 = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()))
    t1.start(); t2.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    t1.join(); t2.join()
    code = os.waitstatus_to_exitcode(status)
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "rss_mib": usage.ru_maxrss / 1024,
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes, to check the harness")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--delay-ms", type=float, default=20)
    ap.add_argument("--mpa-concurrency", default="plain=16,latency=64")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--settings", default="plain,latency")
    args = ap.parse_args()
    n_main, n_small, n_big = (200, 50, 800) if args.quick else (2000, 500, 8000)
    concurrency = dict(kv.split("=") for kv in args.mpa_concurrency.split(","))
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not args.no_build:
        build()
    load_at_start = os.getloadavg()

    OUT.mkdir(parents=True, exist_ok=True)
    moto_port, proxy_port = free_port(), free_port()
    moto_log_path = OUT / "moto.log"
    moto_log = open(moto_log_path, "wb")
    moto_proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=moto_log, stderr=subprocess.STDOUT)
    proxy_proc = subprocess.Popen([str(OUT / "proxy" / "latency-proxy"), "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{moto_port}",
                                   "--delay-ms", str(args.delay_ms)], stdout=subprocess.DEVNULL)
    moto = f"http://127.0.0.1:{moto_port}"
    endpoints = {"plain": moto, "latency": f"http://127.0.0.1:{proxy_port}"}
    log = MotoLog(moto_log_path)
    rows, ceilings = [], {}
    try:
        wait_http(moto + "/moto-api/")
        wait_http(endpoints["latency"] + "/moto-api/")
        base_env = {k: v for k, v in os.environ.items() if k not in ("AWS_CA_BUNDLE",)}  # rclone 1.60 refuses an http endpoint with a CA bundle set
        base_env.update(KEYS)
        for setting in args.settings.split(","):
            endpoint = endpoints[setting]
            ceilings[setting], _ = wrk_ceiling(endpoint, 64, 5 if args.quick else 10, moto)
            print(f"[{setting}] request ceiling (wrk, 64 connections): {ceilings[setting]:.0f} req/s", flush=True)
            bucket = "bench-sweep"
            tools = {
                "rclone backend cleanup": lambda: ["rclone", "backend", "cleanup", f"bench:{bucket}", "-o", "max-age=1h"],
                "boto3 64 threads": lambda: [sys.executable, str(HERE / "boto3_sweep.py"), endpoint, bucket, "64"],
                "mpa sweep": lambda: [str(OUT / "mpa" / "mpa"), "sweep", "--bucket", bucket, "--older-than", "PT1H", "--concurrency", concurrency[setting], "--json"],
            }
            env = dict(base_env, RCLONE_CONFIG_BENCH_TYPE="s3", RCLONE_CONFIG_BENCH_PROVIDER="Other", RCLONE_CONFIG_BENCH_ENDPOINT=endpoint,
                       RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="testing", RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="testing", RCLONE_CONFIG_BENCH_REGION="us-east-1",
                       COS_ENDPOINT=endpoint, COS_ACCESS_KEY_ID="testing", COS_SECRET_ACCESS_KEY="testing")
            plan = [(t, n_main) for t in tools] + [("mpa sweep", n_small), ("mpa sweep", n_big)]
            for tool, n in plan:
                seed(moto, bucket, n)
                log.mark()
                r = timed(tools[tool](), env)
                requests = log.requests_since_mark()
                left = remaining(moto, bucket)
                total = sum(requests.values())
                row = {
                    "setting": setting, "tool": tool, "n": n, "wall_s": round(r["wall"], 2), "uploads_per_s": round(n / r["wall"], 1),
                    "requests": total, "by_method": requests, "requests_per_s": round(total / r["wall"], 1),
                    "cpu_s": round(r["cpu"], 3), "cpu_ms_per_upload": round(1000 * r["cpu"] / n, 3), "rss_mib": round(r["rss_mib"], 1),
                    "left": left, "exit": r["exit"],
                    "concurrency": concurrency[setting] if tool == "mpa sweep" else ("64" if "boto3" in tool else "1"),
                }
                if r["exit"] != 0:
                    row["stderr_tail"] = r["stderr"][-2000:]
                rows.append(row)
                print(json.dumps({k: v for k, v in row.items() if k != "stderr_tail"}), flush=True)
    finally:
        proxy_proc.terminate()
        moto_proc.terminate()
        proxy_proc.wait()
        moto_proc.wait()

    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": f"{os.cpu_count()} cores", "delay_ms": args.delay_ms,
              "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(),
              "ceilings_req_per_s": ceilings, "rows": rows}
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2))
    (out_dir / "latest.md").write_text(render(result, n_main, n_small, n_big))
    print(render(result, n_main, n_small, n_big))


def render(result, n_main, n_small, n_big):
    rows, ceil = result["rows"], result["ceilings_req_per_s"]
    lines = ["| setting | tool | in flight | N | wall s | uploads/s | requests | req/s | % of ceiling | CPU s | CPU ms/upload | peak RSS MiB | left |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        pct = 100 * r["requests_per_s"] / ceil[r["setting"]] if r["setting"] in ceil else 0
        lines.append(f"| {r['setting']} | {r['tool']} | {r['concurrency']} | {r['n']:,} | {r['wall_s']} | {r['uploads_per_s']} | {r['requests']:,} | {r['requests_per_s']} | {pct:.0f}% | "
                     f"{r['cpu_s']} | {r['cpu_ms_per_upload']} | {r['rss_mib']} | {r['left']} |")
    lines.append("")
    lines.append("Request ceiling (wrk, 64 connections, DELETE+GET of unknown uploads): " + ", ".join(f"{k} {v:.0f} req/s" for k, v in ceil.items()))
    lines.append("")

    def get(setting, tool, n):
        return next((r for r in rows if r["setting"] == setting and r["tool"] == tool and r["n"] == n), None)

    checks = []
    for setting in ceil:
        m, rc, bo = get(setting, "mpa sweep", n_main), get(setting, "rclone backend cleanup", n_main), get(setting, "boto3 64 threads", n_main)
        small, big = get(setting, "mpa sweep", n_small), get(setting, "mpa sweep", n_big)
        if m and rc and bo:
            checks.append(f"- {setting}: mpa {m['uploads_per_s']} uploads/s = {m['uploads_per_s'] / rc['uploads_per_s']:.2f}x rclone, "
                          f"{m['uploads_per_s'] / bo['uploads_per_s']:.2f}x boto3; {100 * m['requests_per_s'] / ceil[setting]:.0f}% of the request ceiling; "
                          f"CPU/upload {m['cpu_ms_per_upload']} ms vs rclone {rc['cpu_ms_per_upload']} ms ({m['cpu_ms_per_upload'] / rc['cpu_ms_per_upload']:.2f}x)")
        if m and small and big:
            checks.append(f"- {setting}: time/upload at {n_big:,} = {(big['wall_s'] / n_big) / (m['wall_s'] / n_main):.2f}x that at {n_main:,}; "
                          f"peak RSS at {n_big:,} = {big['rss_mib'] / small['rss_mib']:.2f}x that at {n_small:,}")
    return "\n".join(lines + checks) + "\n"


if __name__ == "__main__":
    main()
