#!/usr/bin/env bash
# Measures the real dashboard's CPU use in tmux against a real router and a local 16-node demo swarm:
#   1. idle for IDLE_SECONDS (default 60) with nothing streaming;
#   2. while all 16 nodes stream about 50 deltas per second each for STREAM_SECONDS (default 10).
# Prints CPU seconds used and the average share of one core. Usage:
#   Benchmarks/dashboard-cpu.sh [path/to/codeswarm]      (default: .build-release/release/codeswarm, else debug)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bin=${1:-}
if [ -z "$bin" ]; then
  bin=$PWD/.build-release/release/codeswarm
  [ -x "$bin" ] || bin=$PWD/.build/debug/codeswarm
fi
idle=${IDLE_SECONDS:-60}
stream=${STREAM_SECONDS:-10}
root=$(mktemp -d /tmp/codeswarm-bench-XXXXXX)
export CODESWARM_STATE_DIR=$root/state CODESWARM_ROUTER_PORT=${CODESWARM_ROUTER_PORT:-18999}
# 20 ms between deltas: 50 deltas per second per node; long answers keep every node streaming.
cat > "$root/config.json" <<JSON
{"provider": "local", "agent": {"command": ["codeswarm", "demo-agent", "--delay-ms", "20", "--deltas", "2000"]}}
JSON
session=codeswarm-bench-$$
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -n "${swarm:-}" ] && "$bin" terminate --force --config "$root/config.json" "$swarm" >/dev/null 2>&1 || true
  pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$CODESWARM_STATE_DIR/router.json" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
}
trap cleanup EXIT

swarm=$("$bin" launch --config "$root/config.json" --nodes 16 2>/dev/null)
tmux new-session -d -s "$session" -x 200 -y 60 \
  "env LANG=C.UTF-8 CODESWARM_STATE_DIR=$CODESWARM_STATE_DIR CODESWARM_ROUTER_PORT=$CODESWARM_ROUTER_PORT $bin dashboard --config $root/config.json --swarm $swarm"
sleep 3
dash=$(pgrep -f "codeswarm dashboard --config $root/config.json" | head -1)
[ -n "$dash" ] || { echo "dashboard did not start" >&2; exit 1; }
tmux send-keys -t "$session" s   # split view: as many node panes as fit

ticks() { awk '{print $14 + $15}' "/proc/$dash/stat"; }
hz=$(getconf CLK_TCK)
measure() {  # label seconds
  local before after
  before=$(ticks); sleep "$2"; after=$(ticks)
  python3 -c "import sys; used=($after-$before)/$hz; print(f'$1: {used:.2f} CPU s in $2 s = {100*used/$2:.1f}% of one core')"
}
sleep 2
measure "idle, 16-node swarm" "$idle"
"$bin" inject --config "$root/config.json" "$swarm" --prompt "stream please" >/dev/null 2>&1 &
sleep 2
measure "16 nodes streaming ~50 deltas/s each" "$stream"
tmux capture-pane -p -t "$session" | head -5 >&2
echo "binary: $bin" >&2
