#!/usr/bin/env bash
# Starts or stops the local stand-ins for Azure services (DESIGN §2), each on 127.0.0.1.
#   local/stack.sh start   install (npm ci) if needed, start, wait until each answers
#   local/stack.sh stop    stop only the processes this script started
# Ports: COSMOS_PORT (8081), AZURITE_BLOB_PORT (10000), SIGNALR_PORT (8888). State and logs: STACK_DIR (.local/stack).
# The SignalR stand-in signs with SIGNALR_ACCESS_KEY (the default matches LiveChat.DevHost/appsettings.json).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
state="${STACK_DIR:-$root/.local/stack}"
cosmos_port="${COSMOS_PORT:-8081}"
blob_port="${AZURITE_BLOB_PORT:-10000}"
signalr_port="${SIGNALR_PORT:-8888}"
signalr_key="${SIGNALR_ACCESS_KEY:-local-signalr-access-key-0123456789abcdef}"
mkdir -p "$state"

install() {
  if [ ! -d "$here/node_modules/@vercel/cosmosdb-server" ] || [ ! -d "$here/node_modules/azurite" ] \
     || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
    echo "Installing local stand-ins (npm ci)..."
    (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

wait_for() { # name url — any HTTP answer counts (node instead of curl: a fresh machine may lack curl)
  local name=$1 url=$2
  for _ in $(seq 1 150); do
    if node -e '
      const u = new URL(process.argv[1]);
      const lib = require(u.protocol === "https:" ? "https" : "http");
      lib.get(u, { rejectUnauthorized: false, timeout: 2000 }, () => process.exit(0))
        .on("error", () => process.exit(1)).on("timeout", () => process.exit(1));
    ' "$url" 2>/dev/null; then echo "$name is up at $url"; return 0; fi
    sleep 0.2
  done
  echo "$name did not answer at $url; see $state/$name.log" >&2
  return 1
}

launch() { # name command...
  local name=$1; shift
  if [ -f "$state/$name.pid" ] && kill -0 "$(cat "$state/$name.pid")" 2>/dev/null; then
    echo "$name already running (pid $(cat "$state/$name.pid"))"; return 0
  fi
  nohup "$@" >"$state/$name.log" 2>&1 &
  echo $! >"$state/$name.pid"
}

start() {
  install
  launch cosmos node "$here/cosmos/server.js" "$cosmos_port"
  launch azurite "$here/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort "$blob_port" \
    --inMemoryPersistence --skipApiVersionCheck --loose
  dotnet build "$here/signalr" -c Release -v quiet -nologo >"$state/signalr-build.log" 2>&1 \
    || { echo "building the SignalR stand-in failed; see $state/signalr-build.log" >&2; return 1; }
  launch signalr dotnet "$here/signalr/bin/Release/net10.0/LiveChat.SignalRStandIn.dll" \
    --urls "http://127.0.0.1:$signalr_port" --AccessKey "$signalr_key"
  wait_for cosmos "https://127.0.0.1:$cosmos_port/"
  wait_for azurite "http://127.0.0.1:$blob_port/devstoreaccount1?comp=list"
  wait_for signalr "http://127.0.0.1:$signalr_port/api/hubs/livechat/users/probe"
}

stop() {
  for pidfile in "$state"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 25); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  echo "local stack stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
