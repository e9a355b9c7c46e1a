#!/usr/bin/env bash
# Shows a `swift build` as it goes: pipe the build's output (stdout and stderr) into this script.
#   swift build 2>&1 | bash scripts/lib/build-progress.sh [--first-build]
# Errors and warnings are printed as they come. Progress goes to stderr: on a terminal one line that updates in
# place ([n/total] and the current step), through a pipe a line every 10% (nothing looks stuck in a CI log).
# Package fetching and resolving lines are shown as they are: on a fresh machine they take a while too.
# --first-build says up front that this is the long, cold build. Exits with 1 when the build printed an error.
set -uo pipefail

first=
[ "${1:-}" = --first-build ] && first=1
tty=
[ -t 2 ] && tty=1
width=${COLUMNS:-100}

if [ -n "$first" ]; then
  echo "building codeswarm: the first build compiles every dependency, about 2-3 minutes on 2 cores (later builds take seconds)" >&2
else
  echo "building codeswarm" >&2
fi

start=$SECONDS
last_step=-1
failed=
shown=
clear_line() { if [ -n "$tty" ] && [ -n "$shown" ]; then printf '\r\033[K' >&2; shown=; fi; }

while IFS= read -r line; do
  case $line in
    *error:* | *warning:*)
      clear_line
      printf '%s\n' "$line" >&2
      case $line in *error:*) failed=1 ;; esac
      ;;
    \[[0-9]*/[0-9]*\]*)
      count=${line#\[}
      done_count=${count%%/*}
      total=${count#*/}
      total=${total%%\]*}
      [ "$total" -gt 0 ] 2>/dev/null || continue
      if [ -n "$tty" ]; then
        printf '\r\033[K%s' "${line:0:$((width - 1))}" >&2
        shown=1
      else
        step=$((done_count * 10 / total))
        if [ "$step" -gt "$last_step" ]; then
          last_step=$step
          printf 'building: %d%% [%s/%s] after %d s\n' $((done_count * 100 / total)) "$done_count" "$total" $((SECONDS - start)) >&2
        fi
      fi
      ;;
    Fetching* | Fetched* | Computing* | Creating* | Working\ copy* | Updating* | Updated* | Resolving* | Cloning*)
      clear_line
      printf '%s\n' "$line" >&2
      ;;
  esac
done
clear_line
if [ -n "$failed" ]; then
  echo "build failed after $((SECONDS - start)) s" >&2
  exit 1
fi
echo "build done in $((SECONDS - start)) s" >&2
