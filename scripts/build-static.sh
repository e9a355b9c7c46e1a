#!/usr/bin/env bash
# Builds the fully static `codeswarm` executable the Slurm provider deploys to compute nodes
# (no dynamic loader needed, whatever the node's glibc). Prints its path on stdout.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
swift build -c "${CODESWARM_STATIC_CONFIGURATION:-debug}" -Xswiftc -static-executable --scratch-path .build-static --product codeswarm >&2
path=$PWD/.build-static/${CODESWARM_STATIC_CONFIGURATION:-debug}/codeswarm
file "$path" >&2 2>/dev/null || true
echo "$path"
