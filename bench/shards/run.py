#!/usr/bin/env python3
"""Shards on this machine: N `mpa sweep --shard i/N` processes at once against one moto, counted at the server.

moto serves some 200-400 requests/s here (single-threaded Python), far below what N workers could send, so N shards
cannot beat it: the point of the run is that N shards reach that same ceiling, that every upload gets exactly one
AbortMultipartUpload (DELETE) across them, none is missed, and what listing every shard in full costs. Requests are
counted in moto's own request log: one line per request it answered, with the method and the uploadId.

Settings: *plain* (moto on loopback as it is) and *latency* (moto behind bench/sweep's latency-proxy, +20 ms per
request, an in-region round trip). For each N, moto is reset and the same U stale uploads seeded; the N processes
start together; wall time is from the first start to the last exit.

    python3 bench/shards/run.py                 # N = 1,2,4,8, U = 2,000, both settings: ~8 min on a quiet 2-core box
    python3 bench/shards/run.py --shards 1,4 --uploads 500 --settings plain --no-build
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "sweep"))
import run as sweep  # noqa: E402  (bench/sweep/run.py: build, seed, moto log, timing helpers)

DELETE_LINE = re.compile(r'"DELETE /[^" ]*[?&]uploadId=([^&" ]+)')


def deletes_per_upload(log):
    time.sleep(0.3)
    with open(log.path, "rb") as f:
        f.seek(log.offset)
        text = f.read().decode("utf-8", "replace")
    counts = {}
    for m in DELETE_LINE.finditer(text):
        counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return counts


def run_shards(n, env, bucket):
    """Starts N shard processes at once; returns wall seconds, summed CPU seconds, peak RSS and the summed summaries.

    Peak RSS is GNU time's %M for each shard (the largest of them): wait4's ru_maxrss of a process spawned from this
    script would include this script's own RSS, which Linux carries across exec.
    """
    exe = str(sweep.OUT / "mpa" / "mpa")
    rss_files = [tempfile.NamedTemporaryFile(prefix="rss-", suffix=".txt") for _ in range(n)]
    start = time.perf_counter()
    procs = [subprocess.Popen([sweep.GNU_TIME, "-f", "%M", "-o", rss_files[i].name,
                               exe, "sweep", "--bucket", bucket, "--older-than", "PT1H", "--json"] + (["--shard", f"{i}/{n}"] if n > 1 else []),
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) for i in range(n)]
    cpu, rss, summaries, codes = 0.0, 0.0, [], []
    for p, rss_file in zip(procs, rss_files):
        out = p.stdout.read()
        _, status, usage = os.wait4(p.pid, 0)
        codes.append(os.waitstatus_to_exitcode(status))
        cpu += usage.ru_utime + usage.ru_stime
        rss = max(rss, int(Path(rss_file.name).read_text().split()[-1]) / 1024)
        rss_file.close()
        summary = json.loads(out)["summary"]
        summaries.append(summary.get("sweep") or summary["sweeps"][0])
    wall = time.perf_counter() - start
    return wall, cpu, rss, summaries, codes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shards", default="1,2,4,8")
    ap.add_argument("--uploads", type=int, default=2000)
    ap.add_argument("--settings", default="plain,latency")
    ap.add_argument("--delay-ms", type=float, default=20)
    ap.add_argument("--no-build", action="store_true", help="use bench/out/mpa/mpa and bench/out/proxy as they are")
    ap.add_argument("--out", default=str(HERE / "results"))
    args = ap.parse_args()
    if not args.no_build:
        sweep.build()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep.OUT.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()

    moto_port, proxy_port = sweep.free_port(), sweep.free_port()
    log_path = sweep.OUT / "moto-shards.log"
    moto_proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(moto_port)], stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)
    proxy_proc = subprocess.Popen([str(sweep.OUT / "proxy" / "latency-proxy"), "--listen", f"127.0.0.1:{proxy_port}", "--upstream", f"127.0.0.1:{moto_port}",
                                   "--delay-ms", str(args.delay_ms)], stdout=subprocess.DEVNULL)
    moto = f"http://127.0.0.1:{moto_port}"
    endpoints = {"plain": moto, "latency": f"http://127.0.0.1:{proxy_port}"}
    log = sweep.MotoLog(log_path)
    bucket, rows = "bench-shards", []
    try:
        sweep.wait_http(moto + "/moto-api/")
        sweep.wait_http(endpoints["latency"] + "/moto-api/")
        base = {k: v for k, v in os.environ.items() if k != "SWEEP_CONCURRENCY"}
        base.update(sweep.KEYS)
        for setting in args.settings.split(","):
            env = dict(base, COS_ENDPOINT=endpoints[setting], COS_ACCESS_KEY_ID="testing", COS_SECRET_ACCESS_KEY="testing")
            for n in (int(s) for s in args.shards.split(",")):
                sweep.seed(moto, bucket, args.uploads)
                log.mark()
                wall, cpu, rss, summaries, codes = run_shards(n, env, bucket)
                by_method = log.requests_since_mark()
                deletes = deletes_per_upload(log)
                requests = sum(by_method.values())
                row = {
                    "setting": setting, "shards": n, "uploads": args.uploads, "wall_s": round(wall, 2), "uploads_per_s": round(args.uploads / wall, 1),
                    "requests": requests, "requests_per_s": round(requests / wall, 1), "by_method": by_method,
                    "uploads_deleted": len(deletes), "deleted_twice_or_more": sum(1 for c in deletes.values() if c > 1),
                    "aborted": sum(s["aborted"] for s in summaries), "listed_total": sum(s["listed"] for s in summaries),
                    "left": sweep.remaining(moto, bucket), "cpu_s": round(cpu, 3), "cpu_ms_per_upload": round(1000 * cpu / args.uploads, 3),
                    "peak_rss_mib": round(rss, 1), "exit_codes": codes,
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        for proc in (proxy_proc, moto_proc):
            proc.terminate()
            proc.wait()

    result = {"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "machine": f"{os.cpu_count()} cores", "delay_ms": args.delay_ms,
              "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(), "rows": rows}
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2))
    text = render(result)
    (out_dir / "latest.md").write_text(text)
    print(text)


def render(result):
    lines = [f"Run of {result['when']} ({result['machine']}; load average {result['load_average_at_start'][0]:.1f} at the start, "
             f"{result['load_average_at_end'][0]:.1f} at the end; latency setting +{result['delay_ms']:.0f} ms per request)", "",
             "| setting | shards N | uploads | wall s | uploads/s | requests | req/s | GET | DELETE | uploads deleted | deleted twice | aborted (summaries) "
             "| listed (all shards) | left | CPU s (all) | CPU ms/upload | peak RSS MiB | exit |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in result["rows"]:
        m = r["by_method"]
        lines.append(f"| {r['setting']} | {r['shards']} | {r['uploads']:,} | {r['wall_s']} | {r['uploads_per_s']} | {r['requests']:,} | {r['requests_per_s']} | "
                     f"{m.get('GET', 0):,} | {m.get('DELETE', 0):,} | {r['uploads_deleted']:,} | {r['deleted_twice_or_more']} | {r['aborted']:,} | "
                     f"{r['listed_total']:,} | {r['left']} | {r['cpu_s']} | {r['cpu_ms_per_upload']} | {r['peak_rss_mib']} | {','.join(map(str, r['exit_codes']))} |")
    lines.append("")
    for setting in sorted({r["setting"] for r in result["rows"]}):
        rs = [r for r in result["rows"] if r["setting"] == setting]
        one = next((r for r in rs if r["shards"] == 1), None)
        if one:
            lines.append(f"- {setting}: " + "; ".join(f"N={r['shards']} {r['requests_per_s']} req/s ({100 * r['requests_per_s'] / one['requests_per_s']:.0f}% of N=1)" for r in rs))
    ok = all(r["deleted_twice_or_more"] == 0 and r["uploads_deleted"] == r["uploads"] and r["left"] == 0 for r in result["rows"])
    lines.append(f"- exactly one DELETE per upload, none missed, none left, in every row: {'yes' if ok else 'NO'}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
