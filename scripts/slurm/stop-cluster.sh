#!/usr/bin/env bash
# Stop the Slurm cluster that start-cluster.sh started: cancel its jobs, then stop
# the daemons by the pids it recorded under $CODESWARM_TEST_ROOT/slurm/run (all at
# once, since each takes 1-3 s to exit). munged is stopped only if start-cluster.sh
# started it. Nothing else is touched. Safe to run when nothing is running.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/../lib/common.sh
. "$HERE/../lib/common.sh"

SLURM_DIR=$ROOT/slurm
RUN_DIR=$SLURM_DIR/run
export SLURM_CONF=$SLURM_DIR/slurm.conf

[[ -d $RUN_DIR ]] || { log "nothing to stop"; exit 0; }

# Jobs first: their slurmstepd processes outlive slurmd, so they must end while it still runs.
ctld_pid=$(read_pid "$RUN_DIR/slurmctld.pid")
if pid_is "$ctld_pid" slurmctld && [[ -f $SLURM_CONF ]]; then
  jobs=$(timeout 5 squeue -h -o %A 2>/dev/null || true)
  if [[ -n $jobs ]]; then
    log "cancelling jobs: $(echo "$jobs" | tr '\n' ' ')"
    # shellcheck disable=SC2086 # one job id per word
    timeout 5 scancel $jobs 2>/dev/null || true
    # KillWait=5: the steps get TERM, then KILL 5 s later.
    for _ in $(seq 100); do
      [[ -z $(timeout 5 squeue -h -o %A 2>/dev/null || true) ]] && break
      sleep 0.1
    done
  fi
fi

pids=()
for f in "$RUN_DIR"/slurmd-*.pid; do
  [[ -e $f ]] || continue
  pid=$(read_pid "$f")
  pid_is "$pid" slurmd && pids+=("$pid")
done
pid_is "$ctld_pid" slurmctld && pids+=("$ctld_pid")
munged_pid=$(read_pid "$RUN_DIR/munged.pid")
pid_is "$munged_pid" munged && pids+=("$munged_pid")

if ((${#pids[@]} > 0)); then
  log "stopping pids ${pids[*]}"
  terminate_pids "${pids[@]}"
fi
rm -f "$RUN_DIR"/*.pid
rmdir "$RUN_DIR" 2>/dev/null || true
log "stopped"
