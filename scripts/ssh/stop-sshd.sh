#!/usr/bin/env bash
# Stop the sshd that start-sshd.sh started (by its recorded pid), the session
# processes it forked, and the control masters whose sockets are in its folder.
# A stopped listener alone would leave established sessions (and masters) working,
# which would hide the outage a test means to cause. Safe to run when nothing runs.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/common.sh
. "$HERE/../lib/common.sh"

SSH_DIR=$ROOT/ssh
CM_DIR=$SSH_DIR/cm

# Masters first, so their sessions end cleanly rather than by a dropped connection.
if [[ -d $CM_DIR ]]; then
  for sock in "$CM_DIR"/*; do
    [[ -S $sock ]] || continue
    ssh -o ControlPath="$sock" -O exit codeswarm-login 2>/dev/null || true
    rm -f "$sock"
  done
fi

pid=$(read_pid "$SSH_DIR/sshd.pid")
if pid_is "$pid" sshd; then
  # Session processes are children of the listener; they survive it, so collect them first.
  children=()
  for child in $(children_of "$pid"); do
    pid_is "$child" sshd && children+=("$child")
  done
  log "stopping sshd pid $pid${children[*]:+ and sessions ${children[*]}}"
  terminate_pids "$pid" "${children[@]}"
else
  log "no sshd of ours running"
fi
rm -f "$SSH_DIR/sshd.pid"
