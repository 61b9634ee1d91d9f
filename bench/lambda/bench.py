#!/usr/bin/env python3
"""One event through a fresh process, start -> response posted, on loopback moto.

Compares the Native AOT `bootstrap`, the same code under the JIT (`dotnet build -c Release` output), and the
AWS CLI pair `aws s3api abort-multipart-upload` + `aws s3api list-parts`. For each run a fresh multipart upload
(one 16-byte part) is made in moto first (not timed). Reports the median and p90 of the wall time, the peak RSS
(VmHWM of a bootstrap before it is killed; for the CLI the larger of the two commands, measured by GNU time) and
the AOT binary's size. The `floor` row is moto's own share: the function's three store calls (ListParts, abort,
ListParts) made from this warm Python process, which no variant can go below.

The bootstrap variants talk to a Runtime API served by this script on loopback; the clock stops when the
function's answer arrives at `POST /runtime/invocation/{id}/response`, then the process is killed (a real
sandbox would be frozen in the next `next`). The CLI pair's clock stops when `list-parts` exits.
"""
import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from botocore.config import Config


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RuntimeApi:
    """A Runtime API that hands out one event per process and records when its answer arrives."""

    def __init__(self):
        self.event = None
        self.answered = threading.Event()
        self.answer = None
        self.answered_at = None
        self.next_at = None
        self.served = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                if not self.path.endswith("/runtime/invocation/next"):
                    self.send_error(404)
                    return
                if api.served.is_set():
                    # A second `next` from the same process: Lambda would freeze it here; we hold it until killed.
                    api.answered.wait(30)
                    time.sleep(30)
                    return
                api.next_at = time.perf_counter()
                api.served.set()
                body = api.event
                self.send_response(200)
                self.send_header("Lambda-Runtime-Aws-Request-Id", "bench-request")
                self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60000))
                self.send_header("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:bench")
                self.send_header("Lambda-Runtime-Trace-Id", "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                data = self.rfile.read(length)
                now = time.perf_counter()
                self.send_response(202)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")
                if api.answered_at is None:
                    api.answered_at = now
                    api.answer = (self.path, data)
                    api.answered.set()

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # the killed process's held `next` connection resets; nothing to report

        self.server = Server(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self):
        return f"127.0.0.1:{self.server.server_address[1]}"

    def arm(self, event: bytes):
        self.event = event
        self.answered.clear()
        self.served.clear()
        self.answer = None
        self.answered_at = None


def vm_hwm(pid):
    """Peak RSS (KiB) of the process image since exec, read while it waits in its next `next`."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise SystemExit(f"no VmHWM for {pid}")


def run_bootstrap(cmd, env, api, event):
    api.arm(event)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not api.answered.wait(60):
        proc.kill()
        raise SystemExit(f"{cmd[0]}: no answer within 60 s: {proc.stderr.read().decode()[-2000:]}")
    elapsed = api.answered_at - start
    rss = vm_hwm(proc.pid)
    if os.environ.get("BENCH_PHASES"):
        print(f"  first next after {(api.next_at - start) * 1000:.1f} ms, answer after {elapsed * 1000:.1f} ms", file=sys.stderr)
    proc.kill()
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = -9
    cpu = usage.ru_utime + usage.ru_stime
    if os.environ.get("BENCH_PHASES"):
        print(f"  cpu {cpu * 1000:.1f} ms", file=sys.stderr)
    proc.stderr.close()
    path, data = api.answer
    result = json.loads(data)
    if not path.endswith("/response") or result["results"][0]["outcome"] != "aborted":
        raise SystemExit(f"{cmd[0]}: unexpected answer {path} {data[:500]!r}")
    return elapsed, rss


def timed(cmd, env):
    """Runs cmd under GNU time, so its peak RSS is that of a small forked `time`, not of this Python process."""
    with tempfile.NamedTemporaryFile("r") as out:
        proc = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *cmd], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return proc, int(out.read().split()[-1])


def run_cli(env, endpoint, bucket, key, upload_id):
    common = ["--endpoint-url", endpoint, "--bucket", bucket, "--key", key, "--upload-id", upload_id]
    start = time.perf_counter()
    abort, rss1 = timed(["aws", "s3api", "abort-multipart-upload", *common], env)
    if abort.returncode != 0:
        raise SystemExit(f"aws abort failed: {abort.stderr.decode()}")
    parts, rss2 = timed(["aws", "s3api", "list-parts", *common], env)
    elapsed = time.perf_counter() - start
    # moto answers ListParts of an aborted upload with NoSuchUpload: that is the verification.
    if "NoSuchUpload" not in parts.stderr.decode():
        raise SystemExit(f"aws list-parts did not confirm the abort: {parts.stderr.decode()}")
    return elapsed, max(rss1, rss2)


def run_floor(endpoint, bucket, key, upload_id):
    """The store's share: the function's three calls (ListParts, abort, ListParts) made from a warm client."""
    host, port = endpoint.split("//", 1)[1].split(":")
    path = f"/{bucket}/{key}?uploadId={upload_id}"
    start = time.perf_counter()
    statuses = []
    for method in ("GET", "DELETE", "GET"):
        conn = http.client.HTTPConnection(host, int(port))
        conn.request(method, path, headers={"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/s3/aws4_request"})
        response = conn.getresponse()
        response.read()
        conn.close()
        statuses.append(response.status)
    elapsed = time.perf_counter() - start
    if statuses != [200, 204, 404]:
        raise SystemExit(f"floor: unexpected statuses {statuses}")
    return elapsed, 0


def summarize(name, samples):
    times = sorted(s[0] * 1000 for s in samples)
    rss = max(s[1] for s in samples) / 1024
    p90 = times[min(len(times) - 1, int(round(0.9 * (len(times) - 1))))]
    return {"name": name, "runs": len(times), "median_ms": statistics.median(times), "p90_ms": p90, "min_ms": times[0], "peak_rss_mb": rss}


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--aot", default=os.path.join(root, "bench/out/aot/bootstrap"))
    parser.add_argument("--jit", default=os.path.join(root, "bench/out/jit/bootstrap"))
    parser.add_argument("--moto", default=os.environ.get("MOTO_ENDPOINT"))
    parser.add_argument("--only", choices=["aot", "jit", "cli", "floor"], action="append")
    parser.add_argument("--json", help="also write the figures as JSON here")
    args = parser.parse_args()

    moto_proc = None
    endpoint = args.moto
    if not endpoint:
        port = free_port()
        moto_proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        endpoint = f"http://127.0.0.1:{port}"
    try:
        creds = dict(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
        s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 10}), **creds)
        for _ in range(100):
            try:
                s3.list_buckets()
                break
            except Exception:
                time.sleep(0.2)
        bucket = f"bench-{os.getpid()}"
        s3.create_bucket(Bucket=bucket)

        def seed(i):
            key = f"bench/object-{i}"
            upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=b"x" * 16)
            return key, upload_id

        base_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COS_", "DOTNET_gc"))}
        base_env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1")
        api = RuntimeApi()
        fn_env = dict(
            base_env,
            AWS_LAMBDA_RUNTIME_API=api.address,
            AWS_LAMBDA_FUNCTION_NAME="bench",
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256",
            COS_ENDPOINT=endpoint,
            COS_ACCESS_KEY_ID="testing",
            COS_SECRET_ACCESS_KEY="testing",
        )
        cli_env = dict(base_env, AWS_PAGER="", AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")

        variants = args.only or ["floor", "aot", "jit", "cli"]
        results = []
        n = 0
        for variant in variants:
            samples = []
            for i in range(args.warmup + args.runs):
                n += 1
                key, upload_id = seed(n)
                if variant == "cli":
                    sample = run_cli(cli_env, endpoint, bucket, key, upload_id)
                elif variant == "floor":
                    sample = run_floor(endpoint, bucket, key, upload_id)
                else:
                    event = json.dumps({"bucket": bucket, "key": key, "uploadId": upload_id}).encode()
                    sample = run_bootstrap([args.aot if variant == "aot" else args.jit], fn_env, api, event)
                if i >= args.warmup:
                    samples.append(sample)
            results.append(summarize(variant, samples))
        size = os.path.getsize(args.aot) if os.path.exists(args.aot) else None
        by = {r["name"]: r for r in results}
        print(f"{'variant':<6} {'runs':>4} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'peak RSS MB':>12}")
        for r in results:
            print(f"{r['name']:<6} {r['runs']:>4} {r['median_ms']:>10.1f} {r['p90_ms']:>8.1f} {r['min_ms']:>8.1f} {r['peak_rss_mb']:>12.1f}")
        if size:
            print(f"AOT binary: {size} bytes ({size / 1048576:.1f} MiB)")
        if "aot" in by:
            for other in ("jit", "cli"):
                if other in by:
                    print(f"AOT is {by[other]['median_ms'] / by['aot']['median_ms']:.1f}x faster than {other} (median)")
        if args.json:
            with open(args.json, "w") as f:
                json.dump({"results": results, "aot_binary_bytes": size}, f, indent=2)
    finally:
        if moto_proc:
            moto_proc.kill()
            moto_proc.wait()


if __name__ == "__main__":
    main()
