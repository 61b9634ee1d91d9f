#!/usr/bin/env python3
"""Peak RSS of `mpa sweep` (and `mpa list`) on plain moto, whose ListMultipartUploads answers every upload in one page.

usage: python3 bench/sweep/moto_rss.py MPA [N:C,...]   (C = 0: adaptive; default 500:0,500:8,8000:8,8000:0)
Prints one JSON line a run: uploads, concurrency, peak RSS (GNU time), wall, and the same for `mpa list` of those uploads.
"""
import json
import os
import subprocess
import sys

import run as R

binary = sys.argv[1]
runs = [(int(n), int(c) or None) for n, c in (x.split(":") for x in (sys.argv[2] if len(sys.argv) > 2 else "500:0,500:8,8000:8,8000:0").split(","))]
port = R.free_port()
moto_proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
moto = f"http://127.0.0.1:{port}"
try:
    R.wait_http(moto + "/moto-api/")
    env = {k: v for k, v in os.environ.items() if not R.re.match(r"^(AWS_|COS_|SWEEP_|MIN_IDLE$)", k)}
    env.update(R.KEYS, COS_ENDPOINT=moto, COS_ACCESS_KEY_ID="testing", COS_SECRET_ACCESS_KEY="testing")
    for n, c in runs:
        R.seed(moto, "bench-sweep", n)
        listed = R.timed([binary, "list", "--bucket", "bench-sweep", "--json"], env)
        cmd = [binary, "sweep", "--bucket", "bench-sweep", "--older-than", "PT1H", "--min-idle", "PT0S", "--json"]
        r = R.timed(cmd + (["--concurrency", str(c)] if c else []), env)
        s = json.loads(r["stdout"])["summary"]
        print(json.dumps({"n": n, "concurrency": c or "adaptive", "sweep_rss_mib": round(r["rss_mib"], 1), "list_rss_mib": round(listed["rss_mib"], 1),
                          "wall_s": round(r["wall"], 1), "aborted": s.get("aborted"), "settled": (s.get("sweep") or {}).get("concurrency")}), flush=True)
finally:
    moto_proc.terminate()
