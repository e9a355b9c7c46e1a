#!/usr/bin/env bash
# Installs the pinned official codex binary (PyPI's openai-codex-cli-bin, see VERSION) into the git-ignored
# folder .tools/codex/<version>/ of the repository, and prints the path of the `codex` executable on stdout.
# Skips the download when that version is already there. Only pip and PyPI are used: `pip download` fetches
# the wheel (set PIP_FIND_LINKS=DIR PIP_NO_INDEX=1 to install from a wheel you already have), Python's
# zipfile unpacks it. Progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=${CODESWARM_CODEX_VERSION:-$(tr -d ' \n' < "$here/VERSION")}
target="$repo/.tools/codex/$version"
binary="$target/codex_cli_bin/bin/codex"

log() { printf '[codex-install] %s\n' "$*" >&2; }

if [ -x "$binary" ] && "$binary" --version 2>/dev/null | grep -qx "codex-cli $version"; then
  log "codex $version already installed at $target"
  echo "$binary"
  exit 0
fi

python=$(command -v python3 || true)
[ -n "$python" ] || { log "error: python3 is needed to download and unpack the codex wheel"; exit 1; }
case $(uname -m) in
  x86_64) platform=manylinux_2_17_x86_64 ;;
  aarch64) platform=manylinux_2_17_aarch64 ;;
  *) log "error: no codex wheel for $(uname -m)"; exit 1 ;;
esac
start=$(date +%s)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
log "downloading openai-codex-cli-bin==$version with pip"
"$python" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
  --platform "$platform" \
  --dest "$scratch" "openai-codex-cli-bin==$version" >&2
wheel=$(ls "$scratch"/openai_codex_cli_bin-"$version"-*.whl 2>/dev/null | head -n 1)
[ -n "$wheel" ] || { log "error: pip did not produce the wheel for openai-codex-cli-bin==$version"; exit 1; }
rm -rf "$target.partial"
mkdir -p "$target.partial"
"$python" -m zipfile -e "$wheel" "$target.partial"
# Wheels do not keep file modes: the executables need theirs back.
chmod 0755 "$target.partial"/codex_cli_bin/bin/* "$target.partial"/codex_cli_bin/codex-resources/* \
  "$target.partial"/codex_cli_bin/codex-path/* 2>/dev/null || true
rm -rf "$target"
mv "$target.partial" "$target"
"$binary" --version >&2
log "installed in $(( $(date +%s) - start )) s at $target"
echo "$binary"
