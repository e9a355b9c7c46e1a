#!/usr/bin/env bash
# Regenerates the codex test fixtures in Tests/TestSupport/CodexFixtures/ from a codex binary (default: the pinned
# one, installed by install.sh): the JSON Schema of its app-server protocol (`codex app-server
# generate-json-schema`) and golden transcripts of real conversations against the model stand-in
# (record-transcripts.py). For a new codex version: change scripts/codex/VERSION, run this, and fix what the tests
# then report (the demo agent's shapes, the typed protocol in Sources/CodeswarmProtocol/AppServer/).
#
# Usage: refresh-fixtures.sh [--schema-only | --transcripts-only] [--codex PATH]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
fixtures="$repo/Tests/TestSupport/CodexFixtures"
schema=1 transcripts=1 codex=""
while [ $# -gt 0 ]; do
  case $1 in
    --schema-only) transcripts=0 ;;
    --transcripts-only) schema=0 ;;
    --codex) codex=$2; shift ;;
    *) echo "usage: $0 [--schema-only | --transcripts-only] [--codex PATH]" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$codex" ] || codex=$(bash "$here/install.sh")
version=$("$codex" --version | awk '{print $2}')
mkdir -p "$fixtures/transcripts"
if [ "$schema" = 1 ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  "$codex" app-server generate-json-schema --out "$scratch"
  # The bundle holds every definition (the per-type files repeat them).
  cp "$scratch/codex_app_server_protocol.schemas.json" "$fixtures/app-server-protocol.schema.json"
  echo "schema of codex $version written" >&2
fi
if [ "$transcripts" = 1 ]; then
  rm -f "$fixtures"/transcripts/*.jsonl
  python3 "$here/record-transcripts.py" --codex "$codex" --out "$fixtures/transcripts"
fi
echo "$version" > "$fixtures/VERSION"
