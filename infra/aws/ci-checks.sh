#!/usr/bin/env bash
# The AWS deployment's CI checks (.ci/run calls this): cfn-lint is there for the tests' template checks, SAM's makefile target
# builds the Native AOT bootstrap (PIE, symbols kept aside, refusing an architecture it cannot link), and that binary runs on Amazon Linux 2023 (glibc <= 2.34).
# The published binary is left where the e2e test fixture publishes, so `dotnet test` afterwards reuses it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "ci-checks: cfn-lint missing: installing it with pip" >&2
  python3 -m pip install --quiet cfn-lint || { echo "ci-checks: cannot install cfn-lint" >&2; exit 1; }
fi

# cfn-lint itself runs in the test suite (TemplateTests, beside the template's rules), not twice.

host=$(uname -m); host=${host/aarch64/arm64}
other=$([ "$host" = arm64 ] && echo x86_64 || echo arm64)
echo "ci-checks: a build for the other architecture ($other) fails instead of shipping a $host binary"
if out=$(make --no-print-directory build-MultipartAbortFunction LAMBDA_ARCH="$other" ARTIFACTS_DIR=/nonexistent 2>&1); then
  echo "ci-checks: make built LAMBDA_ARCH=$other on a $host machine; it must refuse" >&2; exit 1
fi
grep -q "this machine is $host" <<<"$out" || { echo "ci-checks: the refusal does not say why: $out" >&2; exit 1; }

echo "ci-checks: make build-MultipartAbortFunction LAMBDA_ARCH=$host (as sam build runs it, deployed with Architecture=$host)"
artifacts=$(pwd)/artifacts/sam-build/MultipartAbortFunction
rm -rf "$artifacts"
make --no-print-directory build-MultipartAbortFunction LAMBDA_ARCH="$host" ARTIFACTS_DIR="$artifacts"
[ -x "$artifacts/bootstrap" ] || { echo "ci-checks: the target did not leave an executable bootstrap in ARTIFACTS_DIR" >&2; exit 1; }
[ ! -e "$artifacts/bootstrap.dbg" ] || { echo "ci-checks: symbols must not ship in the function's artifacts" >&2; exit 1; }
build_id=$(readelf -n "$artifacts/bootstrap" | sed -n 's/.*Build ID: *//p')
[ -n "$build_id" ] || { echo "ci-checks: bootstrap has no GNU build id to match its symbols by" >&2; exit 1; }
[ -s "artifacts/symbols/$host/$build_id/bootstrap.dbg" ] || { echo "ci-checks: no artifacts/symbols/$host/$build_id/bootstrap.dbg kept for this build" >&2; exit 1; }
readelf -h "$artifacts/bootstrap" | grep -q 'DYN' || { echo "ci-checks: bootstrap is not position-independent (PIE)" >&2; exit 1; }

infra/aws/check-glibc.sh "$artifacts/bootstrap" 2.34
echo "ci-checks: OK"
