#!/usr/bin/env python3
"""Sweep benchmark: `mpa sweep` (Native AOT) against `rclone backend cleanup` and a 64-thread boto3 abort+verify script.

One run, one moto_server, three settings: moto on loopback as it is (plain); moto behind latency-proxy, +20 ms per
request (latency); and the same proxy answering 503 SlowDown whenever more than K requests are in flight (throttle).
Sections (--sections, all by default):
  compare   plain and latency: rclone, boto3, mpa with default settings (adaptive concurrency), mpa at N small/big
  fixed     latency: mpa default vs --concurrency 8..128 (the best fixed concurrency), against the wrk ceiling
  throttle  throttle: mpa default vs --concurrency at or below K; failures and the share of requests answered SlowDown
  startup   `mpa --version` and a sweep of an empty bucket, start to finish (median of several runs)
Every run gets the same freshly seeded stale uploads (moto is reset first). Measured per run: wall time, uploads/s,
requests moto received (its request log), user+sys CPU (wait4) and peak RSS of the tool's process (GNU time's %M),
uploads left over.

usage: python3 bench/sweep/run.py [--quick] [--sections compare,fixed,throttle,startup] [--out bench/sweep/results]
"""
import argparse
import threading
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
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
    # The same Native AOT executable `make mpa` publishes (PublishAot is set in the project).
    rid = "linux-arm64" if os.uname().machine in ("aarch64", "arm64") else "linux-x64"
    subprocess.run(["dotnet", "publish", str(ROOT / "src/MultipartAbort.Cli"), "-c", "Release", "-r", rid, "-o", str(OUT / "mpa"), "-nologo", "-v", "q"],
                   check=True, env=env)
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="small sizes and fewer settings, to check the harness (~10 min on a quiet box)")
    ap.add_argument("--out", default=str(HERE / "results"))
    ap.add_argument("--delay-ms", type=float, default=20)
    ap.add_argument("--k", type=int, default=16, help="throttle setting: SlowDown above this many requests in flight")
    ap.add_argument("--fixed", default="8,16,32,64,128", help="fixed concurrencies to try in the fixed section")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--sections", default="compare,fixed,throttle,startup")
    args = ap.parse_args()
    if not os.access(GNU_TIME, os.X_OK):
        sys.exit(f"{GNU_TIME} (GNU time) is needed for the peak RSS of each tool: apt-get install -y time")
    n_main, n_small, n_big = (200, 50, 800) if args.quick else (2000, 500, 8000)
    fixed = [int(c) for c in args.fixed.split(",")] if not args.quick else [8, 32, 128]
    throttle_fixed = sorted({max(1, args.k // 4), max(1, args.k // 2), args.k})
    startup_runs = 5 if args.quick else 21
    sections = args.sections.split(",")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not args.no_build:
        build()
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
            cmd = [str(OUT / "mpa" / "mpa"), "sweep", "--bucket", bucket, "--older-than", "PT1H", "--json"]
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
                ceilings[setting], _ = wrk_ceiling(endpoint, 64, 5 if args.quick else 10, moto)
                print(f"[{setting}] request ceiling (wrk, 64 connections): {ceilings[setting]:.0f} req/s", flush=True)
                run("compare", setting, "rclone backend cleanup", ["rclone", "backend", "cleanup", f"bench:{bucket}", "-o", "max-age=1h"], n_main, "1")
                run("compare", setting, "boto3 64 threads", [sys.executable, str(HERE / "boto3_sweep.py"), endpoint, bucket, "64"], n_main, "64")
                for n in (n_main, n_small, n_big):
                    run("compare", setting, "mpa sweep (default)", mpa(), n, "adaptive")
        if "fixed" in sections:
            if "latency" not in ceilings:
                ceilings["latency"], _ = wrk_ceiling(endpoints["latency"], 64, 5 if args.quick else 10, moto)
            run("fixed", "latency", "mpa sweep (default)", mpa(), n_main, "adaptive")
            for c in fixed:
                run("fixed", "latency", f"mpa sweep --concurrency {c}", mpa(c), n_main, str(c))
        if "throttle" in sections:
            run("throttle", "throttle", "mpa sweep (default)", mpa(), n_main, "adaptive")
            for c in throttle_fixed:
                run("throttle", "throttle", f"mpa sweep --concurrency {c}", mpa(c), n_main, str(c))
        if "startup" in sections:
            seed(moto, bucket, 0)
            for name, cmd in (("mpa --version", [str(OUT / "mpa" / "mpa"), "--version"]), ("mpa sweep (empty bucket)", mpa())):
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
