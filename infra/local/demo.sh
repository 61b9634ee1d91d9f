#!/usr/bin/env bash
# The main job, locally: a moto server on a free loopback port stands in for COS; we make incomplete
# multipart uploads in it, abort them through MultipartAbort (mpa), and show ListParts is clean afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
command -v moto_server >/dev/null || { echo "moto_server is needed (pip install 'moto[server]')" >&2; exit 1; }
python3 -c 'import boto3' 2>/dev/null || { echo "python3 with boto3 is needed to seed the demo bucket" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export COS_ENDPOINT="http://127.0.0.1:$port" SQS_ENDPOINT="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export COS_ACCESS_KEY_ID=demo COS_SECRET_ACCESS_KEY=demo

say "Starting moto_server (S3 + SQS) on $COS_ENDPOINT"
moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
moto_pid=$!
trap 'kill $moto_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "$COS_ENDPOINT/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done

say "Building mpa (Native AOT: one executable, artifacts/mpa/mpa; make mpa does the same)"
dotnet publish src/MultipartAbort.Cli -c Release -r "$(if [ "$(uname -m)" = aarch64 ]; then echo linux-arm64; else echo linux-x64; fi)" -o artifacts/mpa -v quiet -nologo -clp:ErrorsOnly
mpa=artifacts/mpa/mpa

say "Creating bucket demo-bucket with 6 incomplete multipart uploads (3 parts each)"
python3 - <<'PY' > artifacts/demo-uploads.json
import boto3, json, os
s3 = boto3.client("s3", endpoint_url=os.environ["COS_ENDPOINT"])
s3.create_bucket(Bucket="demo-bucket")
uploads = []
for key in ["videos/raw 1.mp4", "videos/raw+2.mp4", "backups/db-ü.tar", "tmp/a", "tmp/b", "tmp/c"]:
    uid = s3.create_multipart_upload(Bucket="demo-bucket", Key=key)["UploadId"]
    for n in (1, 2, 3):
        s3.upload_part(Bucket="demo-bucket", Key=key, UploadId=uid, PartNumber=n, Body=b"x" * 1024)
    uploads.append({"bucket": "demo-bucket", "key": key, "uploadId": uid})
print(json.dumps(uploads))
PY
"$mpa" list --bucket demo-bucket

say "Aborting the three uploads outside tmp/ with one batch event: mpa invoke '{\"uploads\": [...]}'"
batch=$(python3 -c 'import json; u=json.load(open("artifacts/demo-uploads.json")); print(json.dumps({"uploads": [x for x in u if not x["key"].startswith("tmp/")]}))')
"$mpa" invoke "$batch" | python3 -m json.tool

say "Sweeping tmp/ for uploads older than a day: mpa sweep --bucket demo-bucket --prefix tmp/ --older-than P1D --measure-bytes"
"$mpa" sweep --bucket demo-bucket --prefix tmp/ --older-than P1D --measure-bytes

say "A malformed event is rejected, naming the problem (exit code is non-zero)"
set +e
"$mpa" invoke '{"bucket": "demo-bucket", "key": "tmp/a"}' --log-level None | python3 -m json.tool
echo "exit code: ${PIPESTATUS[0]}"
set -e

say "Verifying with ListParts that nothing remains"
python3 - <<'PY'
import boto3, json, os
s3 = boto3.client("s3", endpoint_url=os.environ["COS_ENDPOINT"])
clean = True
for u in json.load(open("artifacts/demo-uploads.json")):
    try:
        parts = s3.list_parts(Bucket=u["bucket"], Key=u["key"], UploadId=u["uploadId"]).get("Parts", [])
        print(f"  {u['key']:<22} {len(parts)} parts remain"); clean = clean and not parts
    except s3.exceptions.NoSuchUpload:
        print(f"  {u['key']:<22} NoSuchUpload: clean")
left = s3.list_multipart_uploads(Bucket="demo-bucket").get("Uploads", [])
print(f"  ListMultipartUploads: {len(left)} uploads left in demo-bucket")
raise SystemExit(0 if clean and not left else 1)
PY
say "Done: every upload aborted and verified clean."
