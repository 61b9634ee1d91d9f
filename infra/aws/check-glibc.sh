#!/usr/bin/env bash
# Checks that a Native AOT bootstrap runs on Amazon Linux 2023 (provided.al2023): it must need no glibc symbol
# version newer than AL2023's (2.34) and link only libraries the runtime image has.
# Usage: check-glibc.sh [path/to/bootstrap] [max glibc version, default 2.34]
set -euo pipefail
binary=${1:-artifacts/lambda/linux-x64/bootstrap}
max=${2:-2.34}
command -v objdump >/dev/null || { echo "check-glibc: objdump is missing (apt-get install binutils)" >&2; exit 2; }
[ -f "$binary" ] || { echo "check-glibc: $binary not found; build it first (make build-MultipartAbortFunction)" >&2; exit 2; }

needed=$(objdump -T "$binary" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV)
newest=$(printf '%s\n' $needed | tail -n 1)
echo "check-glibc: $binary needs glibc $newest at most (symbol versions: $(echo $needed | tr ' ' ','))"
if [ "$(printf '%s\n%s\n' "$newest" "$max" | sort -V | tail -n 1)" != "$max" ]; then
  echo "check-glibc: FAIL: glibc $newest is newer than $max (Amazon Linux 2023); build in the AL2023 container (docs/deploy-aws.md, "Build")" >&2
  objdump -T "$binary" | grep "GLIBC_$newest" | head -n 5 >&2 || true
  exit 1
fi

# Shared libraries the binary links at load time: AL2023's glibc family only (OpenSSL is loaded on demand).
allowed='^(libc\.so\.6|libm\.so\.6|libdl\.so\.2|libpthread\.so\.0|librt\.so\.1|libgcc_s\.so\.1|libstdc\+\+\.so\.6|libz\.so\.1|ld-linux-(x86-64|aarch64)\.so\.[12])$'
libs=$(objdump -p "$binary" | awk '/NEEDED/ {print $2}')
echo "check-glibc: links $(echo $libs | tr ' ' ',')"
for lib in $libs; do
  if ! [[ $lib =~ $allowed ]]; then
    echo "check-glibc: FAIL: links $lib, which provided.al2023 may not have" >&2
    exit 1
  fi
done
echo "check-glibc: OK for Amazon Linux 2023 (glibc $max)"
