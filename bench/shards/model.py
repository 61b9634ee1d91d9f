#!/usr/bin/env python3
"""Time to sweep U stale uploads with N shards on AWS Lambda: a model anyone can re-run with other inputs.

Each upload costs two requests (AbortMultipartUpload, then ListParts to verify) and `cpu_ms` of CPU in the worker.
Every shard also lists the whole range (one ListMultipartUploads per 1,000 uploads) but acts on 1/N of it. A worker
is bound by the lower of: its CPU share (Lambda gives 1 vCPU at 1,769 MB, proportionally less below), and its
in-flight requests over the round trip (`concurrency / (2 x rtt)`). The store is bound by S3's documented per-prefix
request rates (3,500 DELETE/s, 5,500 GET/s per partitioned prefix): each upload is one DELETE and one GET, and the
listing's GETs come on top. Every 15 minutes a Lambda worker stops, re-queues its continuation and a new one starts
(a cold start and one listing page, ~0.1 s): counted as lost time. SQS's event source runs the N shard messages at
once when MaximumConcurrency >= N.

    python3 bench/shards/model.py                        # the table in RESULTS.md
    python3 bench/shards/model.py --cpu-ms 2.0 --rtt-ms 10 --uploads 5000000
"""
import argparse

LAMBDA_FULL_VCPU_MB = 1769          # AWS: a function gets one vCPU-second per second at 1,769 MB
S3_DELETE_PER_PREFIX = 3500         # AWS: at least 3,500 PUT/COPY/POST/DELETE per second per partitioned prefix
S3_GET_PER_PREFIX = 5500            # AWS: at least 5,500 GET/HEAD per second per partitioned prefix
LAMBDA_MAX_SECONDS = 900            # a worker re-queues its continuation before 15 minutes
RESTART_SECONDS = 0.1               # cold start (~30 ms measured, bench/lambda) + the first listing page again


def worker_rate(memory_mb, cpu_ms, rtt_ms, concurrency):
    vcpu = min(memory_mb / LAMBDA_FULL_VCPU_MB, 2.0)  # above 1,769 MB Lambda adds cores; one sweep uses ~1-2
    cpu_bound = vcpu * 1000.0 / cpu_ms
    latency_bound = concurrency / (2 * rtt_ms / 1000.0)
    return min(cpu_bound, latency_bound), ("cpu" if cpu_bound < latency_bound else "in-flight")


def sweep_time(uploads, shards, memory_mb, cpu_ms, rtt_ms, concurrency, prefixes):
    per_worker, bound = worker_rate(memory_mb, cpu_ms, rtt_ms, concurrency)
    workers_rate = shards * per_worker
    # The store: DELETEs are one per upload; GETs are one ListParts per upload plus every shard's listing.
    gets_per_upload = 1 + shards / 1000.0
    store_rate = prefixes * min(S3_DELETE_PER_PREFIX, S3_GET_PER_PREFIX / gets_per_upload)
    rate = min(workers_rate, store_rate)
    if store_rate < workers_rate:
        bound = "S3 prefix limit"
    seconds = uploads / rate
    restarts = shards * int(seconds // LAMBDA_MAX_SECONDS)
    seconds += (restarts / max(shards, 1)) * RESTART_SECONDS
    return rate, seconds, bound, per_worker


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--uploads", type=int, default=1_000_000)
    p.add_argument("--cpu-ms", type=float, default=2.3,
                   help="CPU per verified upload in the worker: the Native AOT mpa, 2.26 ms at +20 ms per request (bench/shards/RESULTS.md, N=1)")
    p.add_argument("--rtt-ms", type=float, default=20.0, help="store round trip")
    p.add_argument("--concurrency", type=int, default=64, help="requests in flight per worker")
    p.add_argument("--prefixes", type=int, default=1, help="partitioned prefixes the uploads spread over")
    p.add_argument("--shards", default="1,4,16,64")
    p.add_argument("--memory", default="256,1769")
    a = p.parse_args()

    print(f"U = {a.uploads:,} uploads, {a.cpu_ms} ms CPU/upload, {a.rtt_ms} ms round trip, {a.concurrency} in flight per worker, {a.prefixes} prefix(es)\n")
    print("| memory MB | shards N | per worker uploads/s | total uploads/s | bound | time | under 10 min |")
    print("|---:|---:|---:|---:|---|---:|---|")
    for memory in (int(m) for m in a.memory.split(",")):
        for n in (int(s) for s in a.shards.split(",")):
            rate, seconds, bound, per_worker = sweep_time(a.uploads, n, memory, a.cpu_ms, a.rtt_ms, a.concurrency, a.prefixes)
            print(f"| {memory} | {n} | {per_worker:,.0f} | {rate:,.0f} | {bound} | {seconds / 60:,.1f} min | {'yes' if seconds < 600 else 'no'} |")
    print()
    for memory in (int(m) for m in a.memory.split(",")):
        n = 1
        while n < 4096:
            rate, _, bound, _ = sweep_time(a.uploads, n, memory, a.cpu_ms, a.rtt_ms, a.concurrency, a.prefixes)
            if bound == "S3 prefix limit":
                break
            n += 1
        print(f"- at {memory} MB, S3's per-prefix limit (not the workers) bounds the sweep from N = {n} shards ({rate:,.0f} uploads/s)")
        n = 1
        while n < 4096 and sweep_time(a.uploads, n, memory, a.cpu_ms, a.rtt_ms, a.concurrency, a.prefixes)[1] >= 600:
            n += 1
        print(f"- at {memory} MB, {a.uploads:,} uploads in under 10 minutes takes N >= {n} shards")


if __name__ == "__main__":
    main()
