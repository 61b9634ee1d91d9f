#!/usr/bin/env bash
# The IBM deployment's CI checks (.ci/run calls this): the Dockerfile lints clean (dockerfile-utils, from npm, when npm
# is there; no container engine runs in CI, so the image itself is not built), deploy.sh parses, and the HTTP host
# publishes Native AOT with its analyzers clean (warnings are errors) into the folder its end-to-end tests reuse.
set -euo pipefail
cd "$(dirname "$0")/../.."

echo "ibm-checks: bash -n infra/ibm/deploy.sh"
bash -n infra/ibm/deploy.sh

if command -v npx >/dev/null 2>&1; then
  echo "ibm-checks: dockerfile-utils lint infra/ibm/Dockerfile"
  npx --yes dockerfile-utils@0.16.3 lint infra/ibm/Dockerfile
else
  echo "ibm-checks: npx missing: Dockerfile lint skipped" >&2
fi

echo "ibm-checks: make http (Native AOT publish of the HTTP host)"
make --no-print-directory http
binary=$(ls artifacts/http/*/multipart-abort-http)
[ -x "$binary" ] || { echo "ibm-checks: the publish left no executable multipart-abort-http" >&2; exit 1; }
echo "ibm-checks: OK"
