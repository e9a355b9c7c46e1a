#!/usr/bin/env bash
# The main job on a fresh machine: build Codeswarm, start a router, launch a local swarm of 4 nodes on the
# built-in demo agent (or codex when it is installed), and open the dashboard on it. Quitting the dashboard
# terminates the demo swarm and stops the router this script started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! dpkg-query -W -f='${Status}' libncurses-dev 2>/dev/null | grep -q 'install ok installed'; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends libncurses-dev >/dev/null
fi
bin=$PWD/.build/debug/codeswarm
# Say what the (long, silent) first build is doing, and show its progress.
first_build=
[ -x "$bin" ] || first_build=--first-build
swift build --product codeswarm 2>&1 | bash scripts/lib/build-progress.sh $first_build || { echo "build failed" >&2; exit 1; }
[ -x "$bin" ] || { echo "build failed" >&2; exit 1; }

if [ "${CODESWARM_DEMO_AGENT:-}" = codex ]; then
  # The real codex (pinned, installed into .tools/) on every node, with the offline model stand-in for a model.
  export CODESWARM_STATE_DIR=${CODESWARM_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/codeswarm-demo-codex}
  export CODESWARM_ROUTER_PORT=${CODESWARM_ROUTER_PORT:-8766}
  codex_config=$(bash scripts/codex/demo-config.sh "$$")
  export CODESWARM_DEMO_CONFIG=${CODESWARM_DEMO_CONFIG:-$codex_config}
fi
export CODESWARM_STATE_DIR=${CODESWARM_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/codeswarm-demo}
export CODESWARM_ROUTER_PORT=${CODESWARM_ROUTER_PORT:-8765}
config=${CODESWARM_DEMO_CONFIG:-configs/local.json}

swarm=$("$bin" launch --config "$config" --nodes 4 --prompt "You are a focused autonomous agent.")
cleanup() {
  "$bin" terminate "$swarm" >/dev/null 2>&1 || true
  pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$CODESWARM_STATE_DIR/router.json" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
}
trap cleanup EXIT
if "$bin" dashboard --help >/dev/null 2>&1 && [ -t 1 ]; then
  "$bin" dashboard --config "$config" --swarm "$swarm"
else
  echo "following swarm $swarm (Ctrl-C to stop)" >&2
  "$bin" inject --config "$config" "$swarm" --prompt "Say hello and describe your plan in one paragraph."
  "$bin" attach --config "$config" "$swarm" || true
fi
