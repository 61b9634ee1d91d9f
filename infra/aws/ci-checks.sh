#!/usr/bin/env bash
# The AWS deployment's CI checks (.ci/run calls this): the SAM template lints clean, SAM's makefile target
# builds the Native AOT bootstrap, and that binary runs on Amazon Linux 2023 (glibc <= 2.34).
# The published binary is left where the e2e test fixture publishes, so `dotnet test` afterwards reuses it.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "ci-checks: cfn-lint missing: installing it with pip" >&2
  python3 -m pip install --quiet cfn-lint || { echo "ci-checks: cannot install cfn-lint" >&2; exit 1; }
fi

echo "ci-checks: cfn-lint template.yaml"
cfn-lint template.yaml

echo "ci-checks: make build-MultipartAbortFunction (as sam build runs it)"
artifacts=$(pwd)/artifacts/sam-build/MultipartAbortFunction
rm -rf "$artifacts"
make --no-print-directory build-MultipartAbortFunction ARTIFACTS_DIR="$artifacts"
[ -x "$artifacts/bootstrap" ] || { echo "ci-checks: the target did not leave an executable bootstrap in ARTIFACTS_DIR" >&2; exit 1; }

infra/aws/check-glibc.sh "$artifacts/bootstrap" 2.34
echo "ci-checks: OK"
