#!/usr/bin/env bash
# Reproduces bench/lambda/RESULTS.md: builds the AOT bootstrap (as SAM's make target does) and the same code for
# the JIT, then times one event through a fresh process for each, and the AWS CLI pair, on loopback moto.
# Usage: nice -n -15 bench/lambda/run.sh --runs 20 (extra arguments go to bench.py; the nice level keeps other
# jobs on a shared machine from preempting the timed processes). Needs moto_server, the aws CLI and boto3.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# This machine's architecture (Native AOT links for the host; the template's default may be the other one), and the
# symbols beside the artifacts under bench/out, not in the source tree.
host_arch=$(uname -m | sed 's/aarch64/arm64/')
make --no-print-directory build-MultipartAbortFunction ARTIFACTS_DIR="$PWD/bench/out/aot" SYMBOLS_DIR="$PWD/bench/out/symbols" LAMBDA_ARCH="$host_arch" >/dev/null
dotnet build src/MultipartAbort.Lambda/MultipartAbort.Lambda.csproj -c Release -o bench/out/jit -nologo -v:q -nodeReuse:false >/dev/null
sleep 20 # let the build's own processes wind down before anything is timed
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/lambda/bench.py --aot bench/out/aot/bootstrap --jit bench/out/jit/bootstrap --json bench/out/lambda-results.json "$@"
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
