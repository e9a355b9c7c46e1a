#!/usr/bin/env bash
# Stop what ci-setup.sh started: the loopback sshd, then the Slurm cluster.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$HERE/lib/common.sh"

status=0
bash "$HERE/ssh/stop-sshd.sh" || status=1
bash "$HERE/slurm/stop-cluster.sh" || status=1
log "done"
exit "$status"
