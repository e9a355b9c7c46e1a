#!/usr/bin/env bash
# Builds the fully static `codeswarm` executable the Slurm provider deploys to compute nodes
# (no dynamic loader needed, whatever the node's glibc). Prints its path on stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c release -Xswiftc -static-executable --scratch-path .build-static --product codeswarm >&2
path=$PWD/.build-static/release/codeswarm
file "$path" >&2 2>/dev/null || true
echo "$path"
