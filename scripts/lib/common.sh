# shellcheck shell=bash
# Shared helpers for the test-infrastructure scripts (sourced, never run).
#
# Everything a script creates lives under one folder, CODESWARM_TEST_ROOT
# (default /tmp/codeswarm-test), except munge, whose key and socket are fixed
# by the Debian package (/etc/munge, /run/munge).

CODESWARM_TEST_ROOT=${CODESWARM_TEST_ROOT:-/tmp/codeswarm-test}
# Made absolute once, so paths written into config files work from any directory.
case $CODESWARM_TEST_ROOT in
  /*) ;;
  *) CODESWARM_TEST_ROOT=$PWD/$CODESWARM_TEST_ROOT ;;
esac
# shellcheck disable=SC2034 # used by the scripts that source this file
ROOT=$CODESWARM_TEST_ROOT
# Names each script's progress lines.
CS_SCRIPT_NAME=$(basename "$0" .sh)

_cs_t0=$(date +%s%N)

# Elapsed milliseconds since the script sourced this file.
elapsed_ms() { echo $(( ($(date +%s%N) - _cs_t0) / 1000000 )); }

# Progress goes to stderr: stdout is kept for the `export NAME=value` lines callers eval.
log() {
  local ms
  ms=$(elapsed_ms)
  printf '[%s %d.%03ds] %s\n' "${CS_SCRIPT_NAME:-codeswarm-test}" $((ms / 1000)) $((ms % 1000)) "$*" >&2
}

die() { log "error: $*"; exit 1; }

# True when pid $1 runs and is not a zombie. `kill -0` is not enough: this sandbox's
# init reaps orphans only every second or so, and a daemon's zombie lingers until then.
pid_alive() {
  local stat
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # The state is the field after the parenthesised command name (which may hold spaces).
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}

# True when pid $1 is alive and its command name is $2, so a recycled pid is never mistaken for ours.
pid_is() {
  local pid=$1 name=$2 comm
  pid_alive "$pid" || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ $comm == "$name" ]]
}

# Prints the pids whose parent is $1 (from /proc, so it works without procps).
children_of() {
  local stat_file stat rest
  for stat_file in /proc/[0-9]*/stat; do
    read -r stat <"$stat_file" 2>/dev/null || continue
    rest=${stat##*) }           # "<state> <ppid> ..." after the command name
    rest=${rest#* }             # "<ppid> ..."
    [[ ${rest%% *} == "$1" ]] && echo "${stat%% *}"
  done
  return 0
}

# Creates the test root readable by all (a regular user's sbatch must read slurm.conf), but
# never changes the mode of a folder that already exists: the root could be /tmp itself.
make_root() {
  if [[ ! -d $ROOT ]]; then
    mkdir -p "$ROOT"
    chmod 755 "$ROOT"
  fi
}

# Reads a pid file; prints nothing when it is missing or empty.
read_pid() {
  if [[ -s $1 ]]; then tr -dc '0-9' <"$1"; fi
}

# Sends TERM to every pid given, waits up to $CS_STOP_WAIT tenths of a second for all
# to exit (daemons take 1-3 s each, so they are signalled together), then KILLs the rest.
terminate_pids() {
  (($# > 0)) || return 0
  local pid alive
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq "${CS_STOP_WAIT:-100}"); do
    alive=0
    for pid in "$@"; do pid_alive "$pid" && alive=1; done
    ((alive == 0)) && return 0
    sleep 0.1
  done
  for pid in "$@"; do
    if pid_alive "$pid"; then
      log "pid $pid ignored TERM; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# Installs the Debian packages given unless they are all installed already.
# Runs `apt-get update` once first (skipped when CS_SKIP_APT_UPDATE is set, as ci-setup.sh does).
ensure_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || die "packages missing (${missing[*]}) and not root to install them"
  export DEBIAN_FRONTEND=noninteractive
  if [[ -z ${CS_SKIP_APT_UPDATE:-} ]]; then
    log "apt-get update"
    apt-get update -qq >/dev/null
  fi
  log "apt-get install ${missing[*]}"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
