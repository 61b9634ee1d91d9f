#!/usr/bin/env python3
"""The boto3 peer: list every multipart upload of a bucket, then abort + ListParts (verify) each, 64 threads.

usage: boto3_sweep.py ENDPOINT BUCKET [THREADS]
"""
import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint, bucket = sys.argv[1], sys.argv[2]
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 64
s3 = boto3.client(
    "s3", endpoint_url=endpoint, region_name="us-east-1",
    config=Config(max_pool_connections=threads, retries={"max_attempts": 3, "mode": "standard"}, s3={"addressing_style": "path"}),
)


def uploads():
    for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
        yield from page.get("Uploads", [])


def abort_and_verify(u):
    s3.abort_multipart_upload(Bucket=bucket, Key=u["Key"], UploadId=u["UploadId"])
    try:
        parts = s3.list_parts(Bucket=bucket, Key=u["Key"], UploadId=u["UploadId"]).get("Parts", [])
        return "aborted" if not parts else "parts-remain"
    except ClientError as e:
        # Ceph RGW answers ListParts of an upload that is gone with NoSuchKey (its upload meta object is missing).
        if e.response["Error"]["Code"] in ("NoSuchUpload", "NoSuchKey"):
            return "aborted"
        raise


with ThreadPoolExecutor(threads) as pool:
    outcomes = list(pool.map(abort_and_verify, uploads()))
print({o: outcomes.count(o) for o in set(outcomes)})
