#!/usr/bin/env python3
"""SQS load: N abort requests through the function's SQS handler path, against moto, with bounded concurrency.

    python3 bench/sqs-load/run.py                             # N = 10,000 messages, 2 workers: ~10-15 min with the build
    python3 bench/sqs-load/run.py --messages 300 --no-build   # check the harness first (~30 s)

What runs: the Native AOT `bootstrap` published as `make build-MultipartAbortFunction` publishes it for SAM (into
bench/out/aot; by default from the committed HEAD, exported with `git archive`, so the figures belong to a commit;
`--working-tree` builds the checkout as it is, `--no-build` reuses bench/out/aot/bootstrap). One `moto_server` on a
free loopback port holds the bucket, the work queue (`mpa-load`, also the function's RETRY_QUEUE_URL, redrive to the
dead-letter queue after 5 receives as in template.yaml) and the dead-letter queue (`mpa-load-dlq`).

1. Seeds N multipart uploads (one 1 KiB part each, 16 threads).
2. Starts K bootstrap processes (`--workers`, default 2: the SQS event source's MaximumConcurrency), each with its
   own Runtime API served by this script on loopback, and reads each one's VmRSS once it waits in its first `next`.
3. Sends N messages (SendMessageBatch of 10), each body one abort request `{"bucket","key","uploadId"}`, keeping at
   most `--backlog` (200) sent but not yet settled: moto's SQS cost grows with the queue's length (see Feeder);
   `--backlog 10000` preloads everything. One poller thread per process plays the event source mapping:
   ReceiveMessage (up to 10, 1 s wait) -> one SQS event -> `next` hands it out (deadline now + 60 s) -> the answer's
   `batchItemFailures` -> DeleteMessageBatch of every record NOT listed (ReportBatchItemFailures). An `/error`
   answer, or an identifier not in the batch, fails the whole batch (nothing deleted), as Lambda does.
4. Stops when every message is sent and the work queue is empty and stays empty (no visible, in-flight or delayed
   message for 3 s, every poller idle): the function re-queues transient failures to that same queue, with a delay.

Measured: wall time from the first event handed out to the last delete that emptied the queue; messages/s and
uploads/s; invocations, records per invocation, records listed in batchItemFailures, whole-batch failures; the
function's own outcome counts (its EMF metric lines on stdout); the requests moto answered in that window (its
request log, by method and status; the harness's own SQS calls counted apart); per-process CPU seconds; VmRSS of each
bootstrap (and of moto) sampled from /proc before the first event and after every 1,000 messages settled, and the
peak VmHWM per process. Then checked: uploads left in the bucket (ListMultipartUploads), uploads that got no 204
DELETE in moto's log, messages left in the work queue, messages in the dead-letter queue (with their reasons).
"Lost" is any of those not zero; the exit code is 1 then (2 when the run itself could not finish).

Writes bench/sqs-load/results/latest.json and latest.md (the table, also printed). The load average at the start
and the end is recorded: the machine may be shared with other jobs.
"""
import argparse
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import boto3
from botocore.config import Config

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = ROOT / "bench" / "out"
WORK = OUT / "sqs-load"
ACCOUNT, REGION = "123456789012", "us-east-1"
QUEUE, DLQ = "mpa-load", "mpa-load-dlq"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:multipart-abort"
KEYS = dict(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
REQUEST_LINE = re.compile(r'"(GET|PUT|POST|DELETE|HEAD) (\S+) HTTP/[\d.]+" (\d{3})')
UPLOAD_ID = re.compile(r"[?&]uploadId=([^&\s]+)")
EMF_METRICS = ("UploadsAborted", "UploadsAlreadyGone", "PartsRemaining", "Requeued", "DeadLettered", "Rejected", "Failed")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.2)
    fail(f"{url} did not answer within {seconds} s")


def fail(message):
    """The run itself could not finish (exit code 2; 1 means it finished and something was lost)."""
    print(message, file=sys.stderr, flush=True)
    sys.exit(2)


def host_arch():
    return "arm64" if os.uname().machine in ("aarch64", "arm64") else "x86_64"


def git(*args, cwd=ROOT):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True).stdout.strip()


def build(working_tree):
    """Publishes bench/out/aot/bootstrap with the Makefile's SAM target, for this machine's architecture."""
    env = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1")
    src = ROOT
    if not working_tree:
        # The committed code only: others may be editing src/ in this checkout while the benchmark runs.
        src = OUT / "sqs-load-src"
        shutil.rmtree(src, ignore_errors=True)
        src.mkdir(parents=True)
        archive = subprocess.Popen(["git", "archive", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(src)], stdin=archive.stdout, check=True)
        if archive.wait() != 0:
            fail("git archive HEAD failed")
    # LAMBDA_ARCH: the template's default architecture may not be this machine's, and Native AOT links for the host.
    # SYMBOLS_DIR: keep the .dbg under bench/out (the default would put it beside bench/out, in the source tree).
    subprocess.run(["make", "--no-print-directory", "-C", str(src), "build-MultipartAbortFunction", f"ARTIFACTS_DIR={OUT / 'aot'}",
                    f"SYMBOLS_DIR={OUT / 'symbols'}", f"LAMBDA_ARCH={host_arch()}"], check=True, env=env, stdout=subprocess.DEVNULL)
    return str(src)


def proc_status(pid, field):
    """A VmRSS/VmHWM-style field of /proc/PID/status, in KiB (None when the process is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """user + system CPU seconds of a running process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class RuntimeApi:
    """A loopback Lambda Runtime API for one process: hands out a stream of events, one at a time, and returns the answers."""

    def __init__(self, name):
        self.name = name
        self.events = queue.Queue()
        self.waiting = {}  # request id -> [threading.Event, (kind, body)]
        self.waiting_lock = threading.Lock()
        self.first_next = threading.Event()
        self.init_error = None
        self.closed = False
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def reply(self, status, body=b"", headers=()):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if not self.path.endswith("/runtime/invocation/next"):
                    self.reply(404)
                    return
                api.first_next.set()
                while True:  # the process waits here between invocations, as a frozen sandbox would
                    try:
                        request_id, body = api.events.get(timeout=1)
                        break
                    except queue.Empty:
                        if api.closed:
                            time.sleep(3600)  # held until the process is killed
                self.reply(200, body, [
                    ("Lambda-Runtime-Aws-Request-Id", request_id),
                    ("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60_000)),
                    ("Lambda-Runtime-Invoked-Function-Arn", FUNCTION_ARN),
                    ("Lambda-Runtime-Trace-Id", f"Root=1-{int(time.time()):08x}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=0"),
                    ("Content-Type", "application/json"),
                ])

            def do_POST(self):
                data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.reply(202, b'{"status":"OK"}', [("Content-Type", "application/json")])
                m = re.search(r"/runtime/invocation/([^/]+)/(response|error)$", self.path)
                if m:
                    with api.waiting_lock:
                        slot = api.waiting.get(m.group(1))
                    if slot:
                        slot[1] = (m.group(2), data)
                        slot[0].set()
                elif self.path.endswith("/runtime/init/error"):
                    api.init_error = data.decode(errors="replace")

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a killed process resets its held `next`; nothing to report

        self.server = Server(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self):
        return f"127.0.0.1:{self.server.server_address[1]}"

    def invoke(self, body, timeout=90):
        """Hands one event to the process; returns ("response"|"error", body), or ("timeout", b"")."""
        request_id = str(uuid.uuid4())
        slot = [threading.Event(), None]
        with self.waiting_lock:
            self.waiting[request_id] = slot
        self.events.put((request_id, body))
        answered = slot[0].wait(timeout)
        with self.waiting_lock:
            del self.waiting[request_id]
        return slot[1] if answered else ("timeout", b"")


class OutputReader:
    """Reads a bootstrap's stdout/stderr so it never blocks: sums the EMF metric lines, counts and keeps log lines."""

    def __init__(self, stream, name):
        self.metrics = Counter()
        self.levels = Counter()
        self.lines = 0
        self.kept = []
        threading.Thread(target=self._read, args=(stream,), name=f"read-{name}", daemon=True).start()

    def _read(self, stream):
        for raw in stream:
            self.lines += 1
            line = raw.decode(errors="replace").strip()
            try:
                doc = json.loads(line)
            except ValueError:
                doc = None
            if isinstance(doc, dict) and "_aws" in doc:
                for name in EMF_METRICS:
                    if isinstance(doc.get(name), (int, float)):
                        self.metrics[name] += doc[name]
                continue
            self.levels[str(doc.get("level", "?")) if isinstance(doc, dict) else "text"] += 1
            if len(self.kept) < 20:
                self.kept.append(line[:600])


class Worker:
    """One bootstrap process, its Runtime API and the poller thread that plays the SQS event source mapping for it."""

    def __init__(self, index, bench):
        self.index, self.bench = index, bench
        self.api = RuntimeApi(f"w{index}")
        self.invocations = 0
        self.records = []  # records per invocation
        self.latencies = []  # seconds from handing the event out to the answer
        self.listed = 0  # records listed in batchItemFailures
        self.whole_batch_failures = []  # (why, records)
        self.idle = False
        self.busy = False
        self.starved = 0  # empty receives while messages were still to be sent
        self.sqs = bench.sqs_client()
        env = dict(bench.function_env, AWS_LAMBDA_RUNTIME_API=self.api.address)
        self.proc = subprocess.Popen([str(bench.bootstrap)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.stdout = OutputReader(self.proc.stdout, f"w{index}-out")
        self.stderr = OutputReader(self.proc.stderr, f"w{index}-err")
        self.thread = threading.Thread(target=self.poll, name=f"poller-{index}", daemon=True)

    def poll(self):
        b = self.bench
        while not b.stop.is_set():
            messages = self.sqs.receive_message(QueueUrl=b.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1, AttributeNames=["All"]).get("Messages", [])
            b.count_harness("ReceiveMessage")
            if not messages:
                self.idle = True
                if not b.feeder.done.is_set():
                    self.starved += 1  # the harness, not the function, held it back
                continue
            self.idle, self.busy = False, True
            event = {"Records": [{
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": {k: str(v) for k, v in m.get("Attributes", {}).items()},
                "messageAttributes": {},
                "md5OfBody": m["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{QUEUE}",
                "awsRegion": REGION,
            } for m in messages]}
            b.started([m["MessageId"] for m in messages])
            t0 = time.perf_counter()
            kind, data = self.api.invoke(json.dumps(event).encode())
            self.latencies.append(time.perf_counter() - t0)
            self.invocations += 1
            self.records.append(len(messages))
            ids = {m["MessageId"] for m in messages}
            keep = set(ids)  # what stays in the queue for redelivery
            if kind == "response":
                try:
                    failures = {f["itemIdentifier"] for f in json.loads(data).get("batchItemFailures") or []}
                except (ValueError, KeyError, TypeError, AttributeError):
                    failures = None
                if failures is None or not failures <= ids:
                    self.whole_batch_failures.append(("answer not a valid batchItemFailures list", len(messages), data[:300].decode(errors="replace")))
                else:
                    keep = failures
                    self.listed += len(failures)
            else:
                self.whole_batch_failures.append((kind, len(messages), data[:300].decode(errors="replace")))
            done = [m for m in messages if m["MessageId"] not in keep]
            if done:
                entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)]
                with b.queue_lock:  # see Bench.queue_lock
                    answer = self.sqs.delete_message_batch(QueueUrl=b.queue_url, Entries=entries)
                b.count_harness("DeleteMessageBatch")
                if answer.get("Failed"):
                    b.delete_failures.extend(answer["Failed"])
                b.settled(len(done) - len(answer.get("Failed", [])))
            self.busy = False


class Feeder:
    """Sends the bodies in SendMessageBatch calls of 10, keeping at most `backlog` messages sent but not yet settled.

    moto's SQS scans its whole message list on every send, receive and delete (and computes every queue attribute on
    each send), so its cost grows with the queue's length: preloading 10,000 messages slowed to seconds per batch
    after 4,500. A real queue's cost does not depend on its length; with a bounded backlog moto's cost stays flat
    and the run measures the function, not the emulator. `--backlog N` (or more) preloads everything.
    """

    def __init__(self, bench, sqs, queue_url, bodies, backlog, threads=2):
        self.bench, self.sqs, self.queue_url, self.bodies, self.backlog = bench, sqs, queue_url, bodies, backlog
        self.cursor, self.sent, self.calls, self.error = 0, 0, 0, None
        self.lock = threading.Lock()
        self.prefilled, self.done = threading.Event(), threading.Event()
        self.threads = [threading.Thread(target=self.run, name=f"feeder-{i}", daemon=True) for i in range(threads)]
        bench.feeder = self

    def start(self):
        for t in self.threads:
            t.start()

    def run(self):
        while not self.bench.stop.is_set() and self.error is None:
            with self.lock:
                if self.cursor >= len(self.bodies):
                    break
                if self.cursor - self.bench.settled_total + 10 > self.backlog and self.cursor >= self.backlog:
                    batch = None
                else:
                    batch, self.cursor = self.bodies[self.cursor:self.cursor + 10], self.cursor + 10
            if batch is None:
                time.sleep(0.02)
                continue
            try:
                with self.bench.queue_lock:  # see Bench.queue_lock
                    failed = self.sqs.send_message_batch(QueueUrl=self.queue_url, Entries=[{"Id": str(j), "MessageBody": b} for j, b in enumerate(batch)]).get("Failed", [])
            except Exception as e:  # noqa: BLE001 - reported by the main loop
                failed = [repr(e)]
            self.bench.count_harness("SendMessageBatch")
            with self.lock:
                self.calls += 1
                if failed:
                    self.error = failed
                self.sent += len(batch)
                if self.sent >= min(self.backlog, len(self.bodies)):
                    self.prefilled.set()
                if self.sent >= len(self.bodies):
                    self.done.set()


class Bench:
    def __init__(self, args, endpoint, bootstrap):
        self.args, self.endpoint, self.bootstrap = args, endpoint, bootstrap
        self.stop = threading.Event()
        self.lock = threading.Lock()
        # moto 5's SQS deletes by rebuilding the queue's message list outside its lock, so two DeleteMessageBatch
        # calls at once can undo each other (a deleted message comes back after the visibility timeout), and a send
        # during a delete can drop the sent message. The harness's own list-changing calls (send, delete) therefore
        # go one at a time; real SQS needs no such care, and the function's calls are left as they are.
        self.queue_lock = threading.Lock()
        self.first_event_at = None
        self.last_settled_at = None
        self.settled_total = 0
        self.delete_failures = []
        self.harness_calls = Counter()
        self.deliveries = Counter()  # messageId -> times handed to the function
        self.rss_series = []
        self.next_sample = args.sample_every
        self.workers = []
        self.moto_pid = None

    def sqs_client(self):
        return boto3.client("sqs", endpoint_url=self.endpoint, config=Config(retries={"max_attempts": 10, "mode": "standard"}), **KEYS)

    def count_harness(self, call):
        with self.lock:
            self.harness_calls[call] += 1

    def started(self, message_ids):
        with self.lock:
            self.deliveries.update(message_ids)
            if self.first_event_at is None:
                self.first_event_at = time.perf_counter()

    def settled(self, n):
        with self.lock:
            self.settled_total += n
            self.last_settled_at = time.perf_counter()
            while self.settled_total >= self.next_sample:
                self.sample(self.next_sample)
                self.next_sample += self.args.sample_every

    def sample(self, mark, at=None):
        """VmRSS (KiB) of every bootstrap and of moto, at `mark` messages settled (`at`: when they were, if earlier than now)."""
        t = ((at or time.perf_counter()) - self.first_event_at) if self.first_event_at else 0.0
        self.rss_series.append({
            "messages": mark, "t_s": round(t, 1),
            "rss_kib": [proc_status(w.proc.pid, "VmRSS") for w in self.workers],
            "moto_rss_kib": proc_status(self.moto_pid, "VmRSS"),
        })


def moto_requests(path, offset):
    """Requests moto answered after `offset` in its log: by method, by operation and status, and the uploadIds DELETEd with 204."""
    time.sleep(0.5)
    with open(path, "rb") as f:
        f.seek(offset)
        text = f.read().decode("utf-8", "replace")
    by_method, by_op, aborted = Counter(), Counter(), Counter()
    for method, target, status in REQUEST_LINE.findall(text):
        by_method[method] += 1
        has_upload = "uploadId=" in target
        op = {("GET", True): "S3 ListParts", ("DELETE", True): "S3 AbortMultipartUpload", ("POST", False): "POST (SQS API)"}.get((method, has_upload), f"{method} other")
        by_op[f"{op} {status}"] += 1
        if method == "DELETE" and status == "204":
            m = UPLOAD_ID.search(target)
            if m:
                aborted[urllib.parse.unquote(m.group(1))] += 1
    return by_method, by_op, aborted


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=10_000, help="messages (= uploads) to push through (default 10,000)")
    ap.add_argument("--workers", type=int, default=2, help="bootstrap processes at once, the event source's MaximumConcurrency (default 2)")
    ap.add_argument("--backlog", type=int, default=200, help="most messages sent but not yet settled (default 200; see Feeder)")
    ap.add_argument("--sample-every", type=int, default=1000, help="read VmRSS after every this many messages settled (default 1,000)")
    ap.add_argument("--visibility-timeout", type=int, default=60, help="work queue VisibilityTimeout, s (Lambda needs >= the 60 s function timeout)")
    ap.add_argument("--timeout", type=float, default=3600, help="give up draining after this many seconds")
    ap.add_argument("--no-build", action="store_true", help="reuse bench/out/aot/bootstrap")
    ap.add_argument("--working-tree", action="store_true", help="build the checkout as it is, not the committed HEAD")
    ap.add_argument("--out", default=str(HERE / "results"))
    args = ap.parse_args()

    bootstrap = OUT / "aot" / "bootstrap"
    commit = git("rev-parse", "HEAD")
    dirty_src = git("status", "--porcelain", "--", "src").splitlines()
    stamp = bootstrap.parent / "built-from.txt"  # what the last build of this script was made from
    if not args.no_build:
        print(f"building {bootstrap} from {'the working tree' if args.working_tree else 'HEAD ' + commit[:12]} ...", flush=True)
        build(args.working_tree)
        stamp.write_text(f"working tree at {commit}, {len(dirty_src)} uncommitted paths under src/" if args.working_tree else f"HEAD {commit}")
    if not bootstrap.exists():
        fail(f"{bootstrap} is missing: run without --no-build")
    built_from = stamp.read_text().strip() + " (reused, --no-build)" if args.no_build and stamp.exists() else "unknown (reused, --no-build)" if args.no_build else stamp.read_text().strip()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    WORK.mkdir(parents=True, exist_ok=True)
    load_at_start = os.getloadavg()
    n = args.messages

    port = free_port()
    moto_log_path = WORK / "moto.log"
    moto_log = open(moto_log_path, "wb")
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=moto_log, stderr=subprocess.STDOUT)
    endpoint = f"http://127.0.0.1:{port}"
    bench = Bench(args, endpoint, bootstrap)
    bench.moto_pid = moto.pid
    workers = []
    phases = {}
    try:
        wait_http(endpoint + "/moto-api/")
        s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(max_pool_connections=16, s3={"addressing_style": "path"}, retries={"max_attempts": 10}), **KEYS)
        sqs = bench.sqs_client()
        bucket = "mpa-load"
        s3.create_bucket(Bucket=bucket)
        dlq_url = sqs.create_queue(QueueName=DLQ)["QueueUrl"]
        queue_url = sqs.create_queue(QueueName=QUEUE, Attributes={
            "VisibilityTimeout": str(args.visibility_timeout),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{DLQ}", "maxReceiveCount": "5"}),
        })["QueueUrl"]
        bench.queue_url = queue_url

        # 1. Seed: N uploads, one 1 KiB part each.
        t = time.perf_counter()

        def seed(i):
            key = f"load/{i:06d}.bin"
            upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
            s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=b"x" * 1024)
            return key, upload_id

        with ThreadPoolExecutor(16) as pool:
            uploads = list(pool.map(seed, range(n)))
        phases["seed_s"] = round(time.perf_counter() - t, 1)
        print(f"seeded {n:,} uploads in {phases['seed_s']} s", flush=True)

        # 2. Start the workers; wait until each process waits in its first `next`, then take RSS before any event.
        bench.function_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": "/tmp",
            "AWS_LAMBDA_FUNCTION_NAME": "multipart-abort",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "COS_ENDPOINT": endpoint,
            "COS_ACCESS_KEY_ID": "testing",
            "COS_SECRET_ACCESS_KEY": "testing",
            "SQS_ENDPOINT": endpoint,
            "RETRY_QUEUE_URL": queue_url,
            "DEAD_LETTER_QUEUE_URL": dlq_url,
            "ALLOWED_BUCKETS": bucket,
            "POWERTOOLS_LOG_LEVEL": "Warning",
            "POWERTOOLS_SERVICE_NAME": "multipart-abort",
        }
        offset_before_run = moto_log_path.stat().st_size
        moto_cpu_before = cpu_seconds(moto.pid)
        for i in range(args.workers):
            workers.append(Worker(i, bench))
        bench.workers = workers
        for w in workers:
            if not w.api.first_next.wait(60) or w.api.init_error:
                fail(f"worker {w.index} did not reach `next`: {w.api.init_error or ''} {w.stderr.kept[-5:]} {w.stdout.kept[-5:]}")
        bench.sample(0)

        # 3. Send the N messages (SendMessageBatch of 10) with at most --backlog not yet settled; the pollers start
        # once the first backlog is in the queue.
        feeder = Feeder(bench, sqs, queue_url, [json.dumps({"bucket": bucket, "key": k, "uploadId": u}) for k, u in uploads], args.backlog)
        t = time.perf_counter()
        feeder.start()
        if not feeder.prefilled.wait(args.timeout):
            fail("the first backlog was not sent")
        phases["prefill_s"] = round(time.perf_counter() - t, 1)
        print(f"first {min(n, args.backlog):,} messages sent in {phases['prefill_s']} s; the pollers start", flush=True)
        for w in workers:
            w.thread.start()

        # 4. Drain: the queue empty (nothing visible, in flight or delayed) and every poller idle for 3 s in a row.
        deadline = time.perf_counter() + args.timeout
        quiet_since, last_report = None, 0
        while True:
            time.sleep(1)
            attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                                                                                 "ApproximateNumberOfMessagesDelayed"])["Attributes"]
            bench.count_harness("GetQueueAttributes")
            in_queue = sum(int(v) for v in attrs.values())
            dead = [w.index for w in workers if w.proc.poll() is not None]
            if dead:
                fail(f"worker(s) {dead} exited: {[workers[i].stderr.kept[-5:] for i in dead]}")
            now = time.perf_counter()
            if now - last_report >= 15:
                last_report = now
                print(f"  {bench.settled_total:,} settled, queue {attrs}, load {os.getloadavg()[0]:.1f}", flush=True)
            if feeder.error:
                fail(f"SendMessageBatch failed: {feeder.error}")
            if feeder.done.is_set() and in_queue == 0 and all(w.idle and not w.busy for w in workers):
                quiet_since = quiet_since or now
                if now - quiet_since >= 3:
                    break
            else:
                quiet_since = None
            if now > deadline:
                fail(f"not drained after {args.timeout} s: {attrs}, {bench.settled_total:,} settled")
        drained_confirmed_at = time.perf_counter()
        moto_cpu = cpu_seconds(moto.pid) - moto_cpu_before
        bench.stop.set()
        for w in workers:
            w.thread.join(10)
        if bench.settled_total % args.sample_every:
            bench.sample(bench.settled_total, at=bench.last_settled_at)  # read after the drain; no message came since

        # 5. Per process: CPU and peak RSS while it waits in `next`, then kill it (a real sandbox would be frozen).
        processes = []
        for w in workers:
            cpu = cpu_seconds(w.proc.pid)
            hwm = proc_status(w.proc.pid, "VmHWM")
            w.api.closed = True
            w.proc.kill()
            w.proc.wait()
            processes.append({"worker": w.index, "cpu_s": round(cpu, 2), "peak_rss_mib": round(hwm / 1024, 1), "invocations": w.invocations,
                              "records": sum(w.records), "listed_in_batchItemFailures": w.listed, "whole_batch_failures": len(w.whole_batch_failures),
                              "emf": dict(w.stdout.metrics + w.stderr.metrics), "log_lines_by_level": dict(w.stdout.levels + w.stderr.levels),
                              "log_lines_kept": (w.stdout.kept + w.stderr.kept)[:20], "whole_batch_failure_samples": w.whole_batch_failures[:5]})
        moto_hwm = proc_status(moto.pid, "VmHWM")

        # 6. What is left: uploads in the bucket, uploads moto never aborted, messages in either queue.
        by_method, by_op, aborted = moto_requests(moto_log_path, offset_before_run)
        left = []
        for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
            left += [u["UploadId"] for u in page.get("Uploads", [])]
        never_aborted = [u for _, u in uploads if u not in aborted]
        queue_left = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
        dlq_messages = []
        while True:
            got = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages", [])
            if not got:
                break
            dlq_messages += got
        reasons = Counter()
        for m in dlq_messages:
            try:
                body = json.loads(m["Body"])
                reasons[body.get("reason", "no reason: a redrive original after maxReceiveCount") if isinstance(body, dict) else "not an object"] += 1
            except ValueError:
                reasons["not JSON"] += 1
    finally:
        bench.stop.set()
        for w in workers:
            if w.proc.poll() is None:
                w.proc.kill()
                w.proc.wait()
        moto.terminate()
        moto.wait()
        moto_log.close()

    wall = bench.last_settled_at - bench.first_event_at
    records = [r for w in workers for r in w.records]
    latencies = sorted(x for w in workers for x in w.latencies)
    emf = Counter()
    for p in processes:
        emf.update(p["emf"])
    harness_sqs = sum(bench.harness_calls.values())
    sqs_posts = by_method.get("POST", 0)
    lost = {
        "uploads_left_in_bucket": len(left),
        "uploads_never_aborted": len(never_aborted),
        "messages_left_in_queue": sum(int(queue_left.get(k, 0)) for k in ("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")),
        "messages_in_dlq": len(dlq_messages),
        "delete_failures": len(bench.delete_failures),
    }
    rss_series = [{"messages": s["messages"], "t_s": s["t_s"], "rss_mib": [round(k / 1024, 1) if k else None for k in s["rss_kib"]],
                   "moto_rss_mib": round(s["moto_rss_kib"] / 1024, 1) if s["moto_rss_kib"] else None} for s in bench.rss_series]
    result = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {os.uname().machine}",
        "commit": commit, "bootstrap": {"built_from": built_from, "bytes": bootstrap.stat().st_size},
        "command": "python3 bench/sqs-load/run.py " + " ".join(sys.argv[1:]),
        "load_average_at_start": [round(x, 2) for x in load_at_start], "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "messages": n, "workers": args.workers, "backlog": args.backlog,
        "send_message_batch_calls": feeder.calls, "empty_receives_while_sending": sum(w.starved for w in workers), "visibility_timeout_s": args.visibility_timeout, "phases": phases,
        "wall_s": round(wall, 2), "confirm_empty_s": round(drained_confirmed_at - bench.last_settled_at, 1),
        "messages_per_s": round(n / wall, 1), "uploads_per_s": round((len(uploads) - len(never_aborted)) / wall, 1),
        "invocations": len(records), "records_per_invocation": {"mean": round(statistics.mean(records), 2), "min": min(records), "max": max(records),
                                                                 "histogram": dict(sorted(Counter(records).items()))},
        "records_listed_in_batchItemFailures": sum(p["listed_in_batchItemFailures"] for p in processes),
        "whole_batch_failures": sum(p["whole_batch_failures"] for p in processes),
        "records_settled_and_deleted": bench.settled_total,
        "messages_delivered_more_than_once": sum(1 for c in bench.deliveries.values() if c > 1),
        "distinct_messages_delivered": len(bench.deliveries),
        "function_outcomes_emf": dict(emf),
        "moto_requests_during_run": {"total": sum(by_method.values()), "by_method": dict(by_method), "by_operation_and_status": dict(sorted(by_op.items())),
                                     "harness_sqs_calls": dict(bench.harness_calls), "function_sqs_calls": sqs_posts - harness_sqs,
                                     "requests_per_s": round(sum(by_method.values()) / wall, 1),
                                     "uploads_aborted_more_than_once": sum(1 for c in aborted.values() if c > 1)},
        "invocation_s": {"median": round(statistics.median(latencies), 3), "p90": round(latencies[int(0.9 * (len(latencies) - 1))], 3), "max": round(latencies[-1], 3)},
        "moto_cpu_s": round(moto_cpu, 1),
        "processes": processes, "moto_peak_rss_mib": round(moto_hwm / 1024, 1) if moto_hwm else None,
        "rss_series": rss_series,
        "lost": lost, "dlq_reasons": dict(reasons), "queue_at_end": queue_left,
        "ok": all(v == 0 for v in lost.values()) and len(uploads) == n,
    }
    (out_dir / "latest.json").write_text(json.dumps(result, indent=2))
    text = render(result)
    (out_dir / "latest.md").write_text(text)
    print(text)
    sys.exit(0 if result["ok"] else 1)


def render(r):
    la0, la1 = r["load_average_at_start"], r["load_average_at_end"]
    rpi = r["records_per_invocation"]
    moto = r["moto_requests_during_run"]
    lost = r["lost"]
    lines = [
        f"Run of {r['when']} ({r['machine']}; load average {la0[0]:.2f} {la0[1]:.2f} {la0[2]:.2f} at the start, {la1[0]:.2f} {la1[1]:.2f} {la1[2]:.2f} at the end); "
        f"bootstrap from {r['bootstrap']['built_from']}; `{r['command'].strip()}`",
        "",
        "| figure | value |",
        "|---|---:|",
        f"| messages (= uploads, one per body) | {r['messages']:,} |",
        f"| workers (bootstrap processes, bounded concurrency) | {r['workers']} |",
        f"| seed (create + upload part, 16 threads) | {r['phases']['seed_s']} s |",
        f"| sent: SendMessageBatch calls of 10, at most {r['backlog']:,} not yet settled (first backlog in {r['phases']['prefill_s']} s) | {r['send_message_batch_calls']:,} |",
        f"| empty receives while messages were still to be sent (pollers held back by the feeder) | {r['empty_receives_while_sending']} |",
        f"| **wall time**, first event handed out to last delete | **{r['wall_s']} s** |",
        f"| **messages/s** | **{r['messages_per_s']}** |",
        f"| uploads aborted/s | {r['uploads_per_s']} |",
        f"| invocations | {r['invocations']:,} |",
        f"| records per invocation: mean (min-max) | {rpi['mean']} ({rpi['min']}-{rpi['max']}) |",
        f"| invocation, event handed out to answer: median / p90 / max | {r['invocation_s']['median']} / {r['invocation_s']['p90']} / {r['invocation_s']['max']} s |",
        f"| records listed in batchItemFailures | {r['records_listed_in_batchItemFailures']} |",
        f"| whole-batch failures (error answer / invalid list) | {r['whole_batch_failures']} |",
        f"| records settled and deleted | {r['records_settled_and_deleted']:,} |",
        f"| distinct messages delivered / delivered more than once | {r['distinct_messages_delivered']:,} / {r['messages_delivered_more_than_once']} |",
        f"| function outcomes (EMF) | {', '.join(f'{k} {v:,}' for k, v in sorted(r['function_outcomes_emf'].items())) or 'none'} |",
        f"| moto requests in the window: total (req/s) | {moto['total']:,} ({moto['requests_per_s']}) |",
        f"| ... by operation and status | {', '.join(f'{k}: {v:,}' for k, v in moto['by_operation_and_status'].items())} |",
        f"| ... SQS calls: harness / function | {', '.join(f'{k} {v:,}' for k, v in moto['harness_sqs_calls'].items())} / {moto['function_sqs_calls']:,} |",
        f"| uploads aborted (204) more than once | {moto['uploads_aborted_more_than_once']} |",
    ]
    for p in r["processes"]:
        lines.append(f"| worker {p['worker']}: invocations, records, CPU s, peak RSS (VmHWM) | {p['invocations']:,}, {p['records']:,}, {p['cpu_s']} s, {p['peak_rss_mib']} MiB |")
    lines += [
        f"| moto: CPU s in the window, peak RSS (VmHWM) | {r['moto_cpu_s']} s, {r['moto_peak_rss_mib']} MiB |",
        f"| **uploads left in the bucket** | **{lost['uploads_left_in_bucket']}** |",
        f"| uploads with no 204 DELETE in moto's log | {lost['uploads_never_aborted']} |",
        f"| messages left in the work queue | {lost['messages_left_in_queue']} |",
        f"| **messages in the dead-letter queue** | **{lost['messages_in_dlq']}**{' (' + '; '.join(f'{k}: {v}' for k, v in r['dlq_reasons'].items()) + ')' if r['dlq_reasons'] else ''} |",
        f"| DeleteMessageBatch entries refused | {lost['delete_failures']} |",
        f"| **lost** | **{'none' if r['ok'] else 'YES'}** |",
        "",
        "VmRSS of each bootstrap (MiB) before the first event and after every block of messages settled:",
        "",
        "| messages settled | t s | messages/s in the block | " + " | ".join(f"worker {p['worker']}" for p in r["processes"]) + " | moto |",
        "|---:|---:|---:|" + "---:|" * (len(r["processes"]) + 1),
    ]
    previous = None
    for s in r["rss_series"]:
        rate = f"{(s['messages'] - previous['messages']) / (s['t_s'] - previous['t_s']):.1f}" if previous and s["t_s"] > previous["t_s"] else ""
        lines.append(f"| {s['messages']:,} | {s['t_s']} | {rate} | " + " | ".join(str(x) for x in s["rss_mib"]) + f" | {s['moto_rss_mib']} |")
        previous = s
    series = r["rss_series"]
    if len(series) >= 3:
        after_first = series[1]
        last = series[-1]
        growth = [round(b - a, 1) for a, b in zip(after_first["rss_mib"], last["rss_mib"]) if a is not None and b is not None]
        lines += ["", f"RSS change per worker from {after_first['messages']:,} to {last['messages']:,} messages: {', '.join(f'{g:+} MiB' for g in growth)}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
