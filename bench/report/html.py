#!/usr/bin/env python3
"""The page of `mpa report --html` for 10,000 uploads over ~50 prefixes: its size, and how long chromium takes to render it.

The uploads come from run.py's synthetic S3 server (the same generator and ground truth as the speed benchmark), read by
the real mpa (artifacts/mpa/mpa) with `--depth 2 --json --html`. The render time is measured inside one headless
chromium driven by Playwright (bench/report/render): the page loaded --runs times from file://, every other request
blocked, and the navigation's load event end and first contentful paint read from the Performance API (ms from the
navigation's start). Writes bench/report/results/html.json.

    python3 bench/report/html.py                  # N = 10,000, 5 runs: ~1 min (the first builds bench/report/render)
    python3 bench/report/html.py --screenshot docs/report.png
"""
import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the synthetic server and its helpers)

CHROMIUM = "/usr/bin/chromium"


def shot(page, png, width=1200, height=2600):
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={width},{height}",
                    f"--screenshot={png}", page.as_uri()], check=True, capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--uploads", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mpa", default=str(run.SOURCE_BINARY))
    ap.add_argument("--screenshot", help="also keep a screenshot of the page here (e.g. docs/report.png)")
    ap.add_argument("--out", default=str(run.HERE / "results" / "html.json"))
    a = ap.parse_args()

    port = run.free_port()
    endpoint = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, run.__file__, "--serve", str(port)], stdout=subprocess.PIPE, text=True)
    assert server.stdout.readline().strip() == "ready"
    try:
        run.control(endpoint, "config", c=json.dumps({"buckets": {"bench-report": a.uploads}, "anchor": int(time.time())}))
        with tempfile.TemporaryDirectory() as td:
            tmp = Path(td)
            page, empty = tmp / "report.html", tmp / "empty.html"
            empty.write_text("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>empty</title></head><body></body></html>\n")
            env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp), "COS_ENDPOINT": endpoint, "COS_ACCESS_KEY_ID": "bench", "COS_SECRET_ACCESS_KEY": "bench",
                   "AWS_REGION": "us-east-1"}
            t0 = time.perf_counter()
            done = subprocess.run([a.mpa, "report", "--bucket", "bench-report", "--depth", "2", "--json", "--html", str(page)], env=env, capture_output=True, text=True)
            mpa_seconds = time.perf_counter() - t0
            if done.returncode != 0:
                raise SystemExit(f"mpa exited {done.returncode}: {done.stderr}")
            report = json.loads(done.stdout)["report"]
            truth = run.ground_truth({"bench-report": a.uploads}, 2)["bench-report"]
            html = page.read_text()
            assert report["totals"]["uploads"] == truth["uploads"] == a.uploads, (report["totals"]["uploads"], truth["uploads"])
            assert f'id="total-uploads" data-value="{a.uploads}"' in html and f'id="total-bytes" data-value="{truth["bytes"]}"' in html, "the page's totals are the ground truth's"
            prefixes = len(report["buckets"][0]["prefixes"])
            timed = subprocess.run(["dotnet", "run", "--project", str(run.HERE / "render"), "-c", "Release", "--", str(a.runs), str(page), str(empty)],
                                   capture_output=True, text=True, check=True).stdout.splitlines()
            times = {t["page"]: t for t in map(json.loads, (line for line in timed if line.startswith("{")))}
            if a.screenshot:
                shot(page, tmp / "p.png")
                Path(a.screenshot).write_bytes((tmp / "p.png").read_bytes())
            version = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
            result = {
                "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "commit": subprocess.run(["git", "-C", str(run.ROOT), "log", "-1", "--format=%h"], capture_output=True, text=True).stdout.strip(),
                "chromium": version, "uploads": a.uploads, "prefixes": prefixes, "page_bytes": page.stat().st_size,
                "mpa_seconds": round(mpa_seconds, 2),
                "report_page": times["report.html"], "empty_page": times["empty.html"],
                "load_ms_median": statistics.median(times["report.html"]["load_ms"]),
                # -1: the paint entry was not recorded by the time it was read (an empty page has none at all)
                "first_contentful_paint_ms_median": statistics.median([v for v in times["report.html"]["first_contentful_paint_ms"] if v >= 0] or [-1]),
            }
    finally:
        server.terminate()
    Path(a.out).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if result["page_bytes"] >= 1_000_000:
        raise SystemExit("the page is 1 MB or more")


if __name__ == "__main__":
    main()
