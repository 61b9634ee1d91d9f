#!/usr/bin/env bash
# The main job, locally: a store on a free loopback port stands in for COS (moto by default; STORE=rgw for a real
# Ceph RGW, infra/local/rgw.sh); we make incomplete multipart uploads in it, report what they hold, abort them through
# MultipartAbort (mpa), show ListParts is clean afterwards, and that a sweep leaves alone the one still receiving parts.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
store=${STORE:-moto}
python3 -c 'import boto3' 2>/dev/null || { echo "python3 with boto3 is needed to seed the demo bucket" >&2; exit 1; }
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1

case "$store" in
  moto)
    command -v moto_server >/dev/null || { echo "moto_server is needed (pip install 'moto[server]')" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    export COS_ENDPOINT="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo
    say "Starting moto_server (S3) on $COS_ENDPOINT"
    moto_server -H 127.0.0.1 -p "$port" >/dev/null 2>&1 &
    moto_pid=$!
    trap 'kill $moto_pid 2>/dev/null || true' EXIT
    for _ in $(seq 1 100); do curl -fsS "$COS_ENDPOINT/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
    # moto dates every upload 2010-11-10, so a day is long past.
    older_than=P1D
    ;;
  rgw)
    command -v radosgw >/dev/null || { echo "Ceph RGW is needed: bash infra/local/rgw.sh install" >&2; exit 1; }
    rgw_dir=$(mktemp -d)
    trap 'bash infra/local/rgw.sh stop "$rgw_dir"' EXIT
    say "Starting a throw-away Ceph RGW (infra/local/rgw.sh: one monitor, one memstore OSD, radosgw)"
    bash infra/local/rgw.sh start "$rgw_dir" >/dev/null
    . "$rgw_dir/env"
    export COS_ENDPOINT=$RGW_ENDPOINT AWS_ACCESS_KEY_ID=$RGW_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$RGW_SECRET_KEY
    echo "RGW on $COS_ENDPOINT"
    # RGW dates uploads with the real time: the demo's uploads are seconds old.
    older_than=PT1S
    export SWEEP_MIN_AGE=PT1S
    ;;
  *) echo "STORE must be moto or rgw, not '$store'" >&2; exit 2 ;;
esac
export COS_ACCESS_KEY_ID=$AWS_ACCESS_KEY_ID COS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY
# Stale by activity: an upload whose newest part landed less than MIN_IDLE ago is left alone by sweeps. An hour by
# default; five seconds here, so the demo can show both sides of it in a few seconds.
export MIN_IDLE=PT5S

say "Building mpa (Native AOT: one executable, artifacts/mpa/mpa; make mpa does the same)"
dotnet publish src/MultipartAbort.Cli -c Release -r "$(if [ "$(uname -m)" = aarch64 ]; then echo linux-arm64; else echo linux-x64; fi)" -o artifacts/mpa -v quiet -nologo -clp:ErrorsOnly
mpa=artifacts/mpa/mpa

say "Creating bucket demo-bucket with 7 incomplete multipart uploads (3 parts each); tmp/live keeps receiving parts"
python3 - <<'PY' > artifacts/demo-uploads.json
import boto3, json, os
s3 = boto3.client("s3", endpoint_url=os.environ["COS_ENDPOINT"])
s3.create_bucket(Bucket="demo-bucket")
uploads = []
for key in ["videos/raw 1.mp4", "videos/raw+2.mp4", "backups/db-ü.tar", "tmp/a", "tmp/b", "tmp/c", "tmp/live"]:
    uid = s3.create_multipart_upload(Bucket="demo-bucket", Key=key)["UploadId"]
    for n in (1, 2, 3):
        s3.upload_part(Bucket="demo-bucket", Key=key, UploadId=uid, PartNumber=n, Body=b"x" * 1024)
    uploads.append({"bucket": "demo-bucket", "key": key, "uploadId": uid})
print(json.dumps(uploads))
PY
"$mpa" list --bucket demo-bucket

say "What they hold and cost, read-only: mpa report --bucket demo-bucket --depth 1"
"$mpa" report --bucket demo-bucket --depth 1

say "Aborting the three uploads outside tmp/ with one batch event: mpa invoke '{\"uploads\": [...]}'"
batch=$(python3 -c 'import json; u=json.load(open("artifacts/demo-uploads.json")); print(json.dumps({"uploads": [x for x in u if not x["key"].startswith("tmp/")]}))')
"$mpa" invoke "$batch" | python3 -m json.tool

say "Waiting 6 s (MIN_IDLE is PT5S), while tmp/live receives one more part"
sleep 6
python3 - <<'PY'
import boto3, json, os
s3 = boto3.client("s3", endpoint_url=os.environ["COS_ENDPOINT"])
live = next(u for u in json.load(open("artifacts/demo-uploads.json")) if u["key"] == "tmp/live")
s3.upload_part(Bucket="demo-bucket", Key="tmp/live", UploadId=live["uploadId"], PartNumber=4, Body=b"x" * 1024)
print("  tmp/live: part 4 landed just now")
PY
say "Sweeping tmp/ for stale uploads: mpa sweep --bucket demo-bucket --prefix tmp/ --older-than $older_than --show-active"
"$mpa" sweep --bucket demo-bucket --prefix tmp/ --older-than "$older_than" --show-active

say "What is left: mpa report --bucket demo-bucket --depth 1"
"$mpa" report --bucket demo-bucket --depth 1

say "A malformed event is rejected, naming the problem (exit code is non-zero)"
set +e
"$mpa" invoke '{"bucket": "demo-bucket", "key": "tmp/a"}' --log-level None | python3 -m json.tool
echo "exit code: ${PIPESTATUS[0]}"
set -e

say "Verifying with ListParts that nothing remains but the live upload"
python3 - <<'PY'
import boto3, json, os
s3 = boto3.client("s3", endpoint_url=os.environ["COS_ENDPOINT"])
clean = True
for u in json.load(open("artifacts/demo-uploads.json")):
    if u["key"] == "tmp/live":
        continue
    try:
        parts = s3.list_parts(Bucket=u["bucket"], Key=u["key"], UploadId=u["uploadId"]).get("Parts", [])
        print(f"  {u['key']:<22} {len(parts)} parts remain"); clean = clean and not parts
    except s3.exceptions.ClientError as e:  # NoSuchUpload (S3, moto), NoSuchKey (Ceph RGW)
        if e.response["Error"]["Code"] not in ("NoSuchUpload", "NoSuchKey"):
            raise
        print(f"  {u['key']:<22} {e.response['Error']['Code']}: clean")
left = [u["Key"] for u in s3.list_multipart_uploads(Bucket="demo-bucket").get("Uploads", [])]
print(f"  ListMultipartUploads: {len(left)} upload(s) left in demo-bucket: {', '.join(left)} (still receiving parts)")
raise SystemExit(0 if clean and left == ["tmp/live"] else 1)
PY
say "Done: every idle upload aborted and verified clean; the live one left alone."
