#!/usr/bin/env bash
# Everything the tests need that is not Swift: one apt-get run, then the 4-node
# Slurm cluster and the loopback sshd. Prints timings to stderr, and on stdout the
# export lines of both start scripts (SLURM_CONF, CODESWARM_TEST_SSH_CONFIG, ...),
# so `eval "$(scripts/ci-setup.sh)"` sets up the caller's environment.
# apt is skipped when every package is already installed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=SCRIPTDIR/lib/common.sh
. "$HERE/lib/common.sh"

PACKAGES=(slurmctld slurmd slurm-client munge openssh-server openssh-client tmux libncurses-dev nodejs)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  [[ $(id -u) == 0 ]] || die "packages missing (${missing[*]}) and not root to install them"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  log "apt-get update done"
  apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
  log "apt-get install done (${missing[*]})"
else
  log "all packages present"
fi

CS_SKIP_APT_UPDATE=1 bash "$HERE/slurm/start-cluster.sh"
log "slurm ready"
CS_SKIP_APT_UPDATE=1 bash "$HERE/ssh/start-sshd.sh"
log "sshd ready"
