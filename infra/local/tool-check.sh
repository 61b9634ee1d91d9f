#!/usr/bin/env bash
# CI check: mpa packs as a .NET tool and installs from a local feed, as docs/cli.md shows, and the installed tool runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet pack src/MultipartAbort.Cli -c Release -o "$work/feed" -nologo -nodeReuse:false -v q
dotnet tool install --tool-path "$work/tools" --add-source "$work/feed" MultipartAbort.Cli >/dev/null
version=$("$work/tools/mpa" --version)
"$work/tools/mpa" --help | grep -q "sweep" || { echo "tool-check: the installed mpa --help does not list sweep" >&2; exit 1; }
echo "tool-check: MultipartAbort.Cli installs from a local feed as a .NET tool; mpa --version: $version"
