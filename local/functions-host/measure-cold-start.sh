#!/usr/bin/env bash
# Cold start of the local Function App: from launching the host stand-in (worker already built, by ./run.sh or
# dotnet build) to its first 200 on /api/health, N times (default 5). Starts and stops the stand-ins itself.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
runs=${1:-5}
mkdir -p .local
node local/run.mjs --stack-only > .local/cold-start-stack.log 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null; wait $stack 2>/dev/null || true' EXIT
until grep -q "stand-ins running" .local/cold-start-stack.log; do sleep 0.2; done
for i in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  dotnet local/functions-host/bin/Release/net10.0/LiveChat.FunctionsHost.dll --ScriptRoot "${SCRIPT_ROOT:-LiveChat.Functions/bin/Release/net10.0}" \
    --SettingsFile LiveChat.Functions/local.settings.json --SettingsSample local.settings.sample.json > .local/cold-start-host.log 2>&1 &
  host=$!
  until [ "$(node -e 'require("http").get(process.argv[1], r => { process.stdout.write(String(r.statusCode)); process.exit(0); }).on("error", () => process.stdout.write("0"))' http://127.0.0.1:7071/api/health)" = 200 ]; do
    kill -0 $host 2>/dev/null || { echo "the host exited; see .local/cold-start-host.log"; exit 1; }
    sleep 0.02
  done
  echo "run $i: first /api/health 200 after $(( ($(date +%s%N) - start) / 1000000 )) ms"
  kill -TERM $host; wait $host || true
done
