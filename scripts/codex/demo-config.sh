#!/usr/bin/env bash
# For `CODESWARM_DEMO_AGENT=codex bash scripts/demo.sh`: installs the pinned codex (install.sh), starts the offline
# model stand-in (it exits with the process given as $1, the demo script), prepares a CODEX_HOME pointing codex at it,
# and prints the path of a local-provider config that runs codex on every node. Progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
owner=${1:?usage: demo-config.sh OWNER_PID}
state=${CODESWARM_STATE_DIR:?CODESWARM_STATE_DIR must be set}
codex=$(bash "$here/install.sh")
mkdir -p -m 0700 "$state"
folder="$state/codex-demo"
mkdir -p -m 0700 "$folder/codex-home"
rm -f "$folder/port"
nohup python3 "$here/model-standin.py" --port-file "$folder/port" --exit-with "$owner" \
  >/dev/null 2>"$folder/standin.log" &
for _ in $(seq 100); do [ -s "$folder/port" ] && break; sleep 0.1; done
port=$(cat "$folder/port" 2>/dev/null) || { echo "the model stand-in did not start; see $folder/standin.log" >&2; exit 1; }
cat > "$folder/codex-home/config.toml" <<TOML
model = "standin-model"
model_provider = "standin"

[model_providers.standin]
name = "Codeswarm model stand-in"
base_url = "http://127.0.0.1:$port/v1"
wire_api = "responses"
requires_openai_auth = false
TOML
# Codex on a fresh CODEX_HOME: start it once, so the 4 nodes do not race to create its state.
CODEX_HOME="$folder/codex-home" "$codex" app-server --listen stdio:// </dev/null >/dev/null 2>&1
python3 - "$folder/config.json" "$codex" "$folder/codex-home" <<'PY'
import json, sys
path, codex, home = sys.argv[1:]
config = {"provider": "local",
          "agent": {"command": [codex, "app-server", "--listen", "stdio://"], "environment": {"CODEX_HOME": home},
                    "sandbox": "workspace-write", "approval_policy": "never"}}
json.dump(config, open(path, "w"), indent=2)
PY
echo "codex $("$codex" --version | awk '{print $2}') with the offline model stand-in on port $port" >&2
echo "$folder/config.json"
