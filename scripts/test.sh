#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine of this kind and runs the whole test suite:
# packages (Slurm, munge, OpenSSH, tmux, ncurses), a real 4-node Slurm cluster and a loopback sshd,
# then `swift build` (warnings are errors) and `swift test`. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CODESWARM_TEST_ROOT=${CODESWARM_TEST_ROOT:-/tmp/codeswarm-test}
eval "$(bash scripts/ci-setup.sh)"
# The suite needs these components; in CI a missing one fails instead of skipping.
export CODESWARM_REQUIRE_CLUSTER=1
# The official codex binary at the pinned version (scripts/codex/VERSION), for the real-codex tests; the
# download is skipped when .tools/ already holds it.
codex_start=$(date +%s)
CODESWARM_CODEX_BIN=$(bash scripts/codex/install.sh)
export CODESWARM_CODEX_BIN
echo "codex install: $(( $(date +%s) - codex_start )) s" >&2

start=$(date +%s)
build_log=$(mktemp)
swift build 2>&1 | tee "$build_log" | grep -E '^(error|warning)|: (error|warning):' || true
if grep -qE ': warning:|^warning:' "$build_log"; then
  echo "swift build produced warnings (the project keeps them at zero):" >&2
  grep -E ': warning:|^warning:' "$build_log" | sort -u >&2
  exit 1
fi
grep -q 'error:' "$build_log" && { echo "swift build failed" >&2; exit 1; }
echo "build: $(( $(date +%s) - start )) s" >&2
# The code is kept in `swift format` shape (.swift-format); a finding fails the run like a warning does.
if ! swift format lint --strict --parallel --recursive Package.swift Sources Tests Benchmarks; then
  echo "swift format lint found the files above out of shape; run: swift format format -i -r Package.swift Sources Tests Benchmarks" >&2
  exit 1
fi

export CODESWARM_BIN="$PWD/.build/debug/codeswarm"
# The Slurm provider deploys a fully static binary to the compute nodes.
CODESWARM_STATIC_BIN=$(bash scripts/build-static.sh 2> >(grep -E 'error|warning:' | grep -vE 'in statically linked applications requires|use of .mktemp. is dangerous' >&2))
export CODESWARM_STATIC_BIN
echo "static build: $(( $(date +%s) - start )) s since the build started" >&2
# The full log goes next to the build (not a fixed /tmp path other runs share); grep is line-buffered so CI's
# log shows each test as it ends.
# Not `… || true`: under pipefail a failed `swift test` makes the pipeline fail, `true` then runs and PIPESTATUS
# would be its status, so failed tests would exit 0.
set +e
swift test --parallel 2>&1 | tee .build/test-output.txt | grep --line-buffered -vE '^\[[0-9]+/[0-9]+\]'
statuses=("${PIPESTATUS[@]}")
set -e
status=${statuses[0]}
echo "tests: $(( $(date +%s) - start )) s since the build started" >&2
exit "$status"
