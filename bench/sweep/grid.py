#!/usr/bin/env python3
"""Grid benchmark that can tell 5%: every setting at least 3 times, interleaved, medians and spread.

Settings (--settings, all by default):
  latency   moto behind latency-proxy, +20 ms a request
  throttle  the same proxy answering 503 SlowDown above K requests in flight (--k, 12)
  rgw       a Ceph RGW started by infra/local/rgw.sh (or --rgw-dir)
Each repetition runs, in an order rotated by one place per repetition, `mpa sweep` with default (adaptive) concurrency
and --concurrency 8, 16, 32, 64, 128 for each binary (--mpa AFTER [--mpa-before BEFORE]: before and after interleaved),
and the 64-thread boto3 script. Every sweep aborts and verifies (--min-idle PT0S: the seeded parts are seconds old,
so the default MIN_IDLE would leave them all active); a run that leaves an upload or does not abort all N counts as failed.
With rgw, --rss-n 8000 adds a default sweep of 8,000 uploads per binary in the first --rss-repeats repetitions (1) (peak RSS
against the grid's N).
Writes results/grid-latest.{json,md}.

usage: python3 bench/sweep/grid.py --mpa artifacts/mpa/mpa [--mpa-before ../base/artifacts/mpa/mpa] [--repeats 3]
       [--n 500] [--rgw-n 500] [--settings latency,throttle,rgw] [--rss-n 8000]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import run as R

GRID = (8, 16, 32, 64, 128)


def summary_of(stdout):
    try:
        return json.loads(stdout)["summary"]
    except (ValueError, KeyError):
        return {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mpa", required=True, help="the binary measured as 'after'")
    ap.add_argument("--mpa-before", help="the binary measured as 'before', interleaved with --mpa")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--n", type=int, default=500, help="uploads a run on moto")
    ap.add_argument("--rgw-n", type=int, default=500, help="uploads a run on RGW")
    ap.add_argument("--rss-n", type=int, default=0, help="rgw: one more default sweep of this many uploads per binary (0: none)")
    ap.add_argument("--rss-repeats", type=int, default=1, help="rgw: in how many of the repetitions the --rss-n sweep runs")
    ap.add_argument("--k", type=int, default=12)
    ap.add_argument("--delay-ms", type=float, default=20)
    ap.add_argument("--grid", default=",".join(map(str, GRID)))
    ap.add_argument("--settings", default="latency,throttle,rgw")
    ap.add_argument("--rgw-dir")
    ap.add_argument("--proxy", default=str(R.OUT / "proxy" / "latency-proxy"))
    ap.add_argument("--out", default=str(R.HERE / "results"))
    args = ap.parse_args()
    binaries = {"after": str(Path(args.mpa).resolve())}
    if args.mpa_before:
        binaries = {"before": str(Path(args.mpa_before).resolve()), **binaries}
    grid = [int(c) for c in args.grid.split(",")]
    settings = [s for s in args.settings.split(",") if s]
    started, load_at_start = time.time(), os.getloadavg()
    rows = []

    def record(row):
        rows.append(row)
        print(json.dumps(row), flush=True)

    # The tools of one repetition: (tool, binary or None, concurrency or None); the order rotates each repetition.
    tools = [("boto3 64 threads", None, None)] + [(f"mpa {b}", b, c) for c in [None, *grid] for b in binaries]

    if {"latency", "throttle"} & set(settings):
        run_moto(args, [s for s in settings if s != "rgw"], binaries, tools, record)
    if "rgw" in settings:
        run_rgw(args, binaries, tools, record)

    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "minutes": round((time.time() - started) / 60, 1),
              "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(), "repeats": args.repeats,
              "n": args.n, "rgw_n": args.rgw_n, "rss_n": args.rss_n, "k": args.k, "delay_ms": args.delay_ms, "grid": grid,
              "binaries": binaries, "rows": rows}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "grid-latest.json").write_text(json.dumps(result, indent=2))
    text = render(result)
    (out / "grid-latest.md").write_text(text)
    print(text)


def mpa_cmd(binary, bucket, concurrency, older_than):
    cmd = [binary, "sweep", "--bucket", bucket, "--older-than", older_than, "--min-idle", "PT0S", "--json"]
    if older_than == "PT0S":
        cmd.append("--allow-young")
    return cmd + (["--concurrency", str(concurrency)] if concurrency else [])


def row_of(setting, tool, concurrency, n, r, rep, extra):
    summary = summary_of(r["stdout"]) if tool.startswith("mpa") else {}
    sweep = summary.get("sweep") or {}
    row = {"setting": setting, "tool": tool, "concurrency": concurrency or ("adaptive" if tool.startswith("mpa") else 64), "rep": rep, "n": n,
           "wall_s": round(r["wall"], 2), "uploads_per_s": round(n / r["wall"], 1), "cpu_ms_per_upload": round(1000 * r["cpu"] / n, 3),
           "rss_mib": round(r["rss_mib"], 1), "exit": r["exit"], **extra}
    if tool.startswith("mpa"):
        row["aborted"] = summary.get("aborted", 0)
        row["settled"] = sweep.get("concurrency")
    row["ok"] = r["exit"] == 0 and row["left"] == 0 and (not tool.startswith("mpa") or row["aborted"] == n)
    if r["exit"] != 0:
        row["stderr_tail"] = r["stderr"][-400:]
    return row


def run_moto(args, settings, binaries, tools, record):
    moto_port, proxy_port, throttle_port = R.free_port(), R.free_port(), R.free_port()
    R.OUT.mkdir(parents=True, exist_ok=True)
    moto_log_path = R.OUT / "grid-moto.log"
    moto_proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=open(moto_log_path, "wb"), stderr=subprocess.STDOUT)
    proxy_proc = subprocess.Popen([args.proxy, "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{moto_port}", "--delay-ms", str(args.delay_ms)],
                                  stdout=subprocess.DEVNULL)
    throttle_proc = subprocess.Popen([args.proxy, "--listen", f"127.0.0.1:{throttle_port}", "--upstream", f"127.0.0.1:{moto_port}", "--delay-ms",
                                      str(args.delay_ms), "--max-in-flight", str(args.k)], stdout=subprocess.PIPE)
    refusals = R.RefusalCounter(throttle_proc)
    moto = f"http://127.0.0.1:{moto_port}"
    endpoints = {"latency": f"http://127.0.0.1:{proxy_port}", "throttle": f"http://127.0.0.1:{throttle_port}"}
    log, bucket = R.MotoLog(moto_log_path), "bench-sweep"
    try:
        for url in (moto, *endpoints.values()):
            R.wait_http(url + "/moto-api/")
        base_env = {k: v for k, v in os.environ.items() if not R.re.match(r"^(AWS_|COS_|SWEEP_|MIN_IDLE$)", k)}
        base_env.update(R.KEYS)
        for rep in range(args.repeats):
            for setting in settings:
                env = dict(base_env, COS_ENDPOINT=endpoints[setting], COS_ACCESS_KEY_ID="testing", COS_SECRET_ACCESS_KEY="testing")
                order = tools[rep % len(tools):] + tools[:rep % len(tools)]
                for tool, binary, c in order:
                    if setting == "throttle" and binary is None:
                        continue  # boto3 retries SlowDown its own way; the throttle setting compares mpa with itself
                    R.seed(moto, bucket, args.n)
                    log.mark()
                    refused_before = refusals.total
                    cmd = [sys.executable, str(R.HERE / "boto3_sweep.py"), endpoints[setting], bucket, "64"] if binary is None \
                        else mpa_cmd(binaries[binary], bucket, c, "PT1H")
                    r = R.timed(cmd, env)
                    requests = sum(log.requests_since_mark().values())
                    refused = refusals.total - refused_before if setting == "throttle" else 0
                    name = tool if binary is None else f"{tool} " + (f"--concurrency {c}" if c else "default")
                    record(row_of(setting, name, c, args.n, r, rep, {
                        "left": R.remaining(moto, bucket), "requests": requests, "slowdown": refused,
                        "slowdown_share": round(refused / (requests + refused), 4) if requests + refused else 0}))
    finally:
        for proc in (throttle_proc, proxy_proc, moto_proc):
            proc.terminate()
            proc.wait()


def run_rgw(args, binaries, tools, record):
    rgw = R.Rgw.start(args.rgw_dir)
    stamp, seq = time.strftime("%H%M%S"), [0]
    try:
        client = R.rgw_client(rgw)
        gc_wait_before = rgw.admin({"prefix": "config get", "var": "rgw_gc_obj_min_wait"})["rgw_gc_obj_min_wait"]
        rgw.admin({"prefix": "config set", "var": "rgw_gc_obj_min_wait", "val": ["86400"]})
        base_env = {k: v for k, v in os.environ.items() if not R.TOOL_VARIABLES.match(k)}
        env = dict(base_env, AWS_ACCESS_KEY_ID=rgw.access_key, AWS_SECRET_ACCESS_KEY=rgw.secret_key, AWS_REGION="us-east-1", AWS_DEFAULT_REGION="us-east-1",
                   COS_ENDPOINT=rgw.endpoint, COS_ACCESS_KEY_ID=rgw.access_key, COS_SECRET_ACCESS_KEY=rgw.secret_key)

        def one(rep, tool, binary, c, n):
            seq[0] += 1
            bucket = f"grid-{stamp}-{seq[0]:03d}"  # a fresh bucket a run, as in run.py's rgw section
            R.fill(client, bucket, n)
            time.sleep(1.5)
            cmd = [sys.executable, str(R.HERE / "boto3_sweep.py"), rgw.endpoint, bucket, "64"] if binary is None \
                else mpa_cmd(binaries[binary], bucket, c, "PT0S")
            r = R.timed(cmd, env)
            name = tool if binary is None else f"{tool} " + (f"--concurrency {c}" if c else "default")
            record(row_of("rgw", name, c, n, r, rep, {"left": R.rgw_remaining(client, bucket), "slowdown": 0, "slowdown_share": 0}))

        for rep in range(args.repeats):
            order = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for tool, binary, c in order:
                one(rep, tool, binary, c, args.rgw_n)
            if args.rss_n and rep < args.rss_repeats:
                for binary in binaries:
                    one(rep, f"mpa {binary}", binary, None, args.rss_n)
        if not rgw.owned:
            rgw.admin({"prefix": "config set", "var": "rgw_gc_obj_min_wait", "val": [gc_wait_before]})
    finally:
        rgw.stop()


def spread(values):
    return f"{statistics.median(values):.1f} ({min(values):.1f}-{max(values):.1f})"


def render(result):
    rows = result["rows"]
    lines = [f"Grid run of {result['when']} ({result['minutes']} min; load average {result['load_average_at_start'][0]:.1f} at the start, "
             f"{result['load_average_at_end'][0]:.1f} at the end); {result['repeats']} repetitions, interleaved; N = {result['n']} on moto, "
             f"{result['rgw_n']} on RGW; throttle K = {result['k']}. Medians, (min-max) over the repetitions.", "",
             "| setting | tool | N | runs | uploads/s | settled | SlowDown % | CPU ms/upload | peak RSS MiB | failed runs |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    groups = {}
    for r in rows:
        groups.setdefault((r["setting"], r["tool"], r["n"]), []).append(r)
    for (setting, tool, n), rs in groups.items():
        settled = [r["settled"] for r in rs if r.get("settled") is not None]
        lines.append(f"| {setting} | {tool} | {n:,} | {len(rs)} | {spread([r['uploads_per_s'] for r in rs])} | "
                     f"{statistics.median(settled) if settled else ''} | "
                     f"{spread([100 * r['slowdown_share'] for r in rs]) if setting == 'throttle' else ''} | "
                     f"{statistics.median(r['cpu_ms_per_upload'] for r in rs):.3f} | {spread([r['rss_mib'] for r in rs])} | {sum(not r['ok'] for r in rs)} |")
    lines += ["", "Default against the best fixed setting (medians of the same binary) and against boto3 (64 threads):"]
    for setting in dict.fromkeys(r["setting"] for r in rows):
        for binary in result["binaries"]:
            def med(tool, n=None):
                rs = [r["uploads_per_s"] for r in rows if r["setting"] == setting and r["tool"] == tool and (n is None or r["n"] == n)]
                return statistics.median(rs) if rs else None
            n = result["rgw_n"] if setting == "rgw" else result["n"]
            default = med(f"mpa {binary} default", n)
            fixed = {c: med(f"mpa {binary} --concurrency {c}") for c in result["grid"]}
            fixed = {c: v for c, v in fixed.items() if v}
            if not default or not fixed:
                continue
            best = max(fixed, key=fixed.get)
            line = f"- {setting}, {binary}: default {default:.1f} uploads/s = {100 * default / fixed[best]:.0f}% of the best fixed (--concurrency {best}: {fixed[best]:.1f})"
            boto = med("boto3 64 threads")
            if boto:
                line += f"; {default / boto:.2f}x boto3 ({boto:.1f})"
            if setting == "throttle":
                shares = [100 * r["slowdown_share"] for r in rows if r["setting"] == setting and r["tool"] == f"mpa {binary} default"]
                line += f"; SlowDown {statistics.median(shares):.1f}% of requests (median)"
            if setting == "rgw" and result["rss_n"]:
                big = [r["rss_mib"] for r in rows if r["setting"] == "rgw" and r["tool"] == f"mpa {binary} default" and r["n"] == result["rss_n"]]
                small = [r["rss_mib"] for r in rows if r["setting"] == "rgw" and r["tool"] == f"mpa {binary} default" and r["n"] == n]
                if big and small:
                    line += (f"; peak RSS {statistics.median(big):.1f} MiB at {result['rss_n']:,} vs {statistics.median(small):.1f} at {n:,} "
                             f"= {statistics.median(big) / statistics.median(small):.2f}x")
            lines.append(line)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
