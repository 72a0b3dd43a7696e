#!/usr/bin/env bash
# Starts the whole service locally: installs the local stand-ins (npm ci) and builds the apps when needed, then
# local/run.mjs starts Cosmos, Azurite and SignalR stand-ins, the Functions host stand-in running the real
# LiveChat.Functions worker on http://127.0.0.1:7071, and seeds a demo tenant whose tokens it prints and writes
# to .local/demo.env. Ctrl+C (or SIGTERM) stops everything it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
if [ ! -d local/node_modules/azurite ] || [ local/package-lock.json -nt local/node_modules/.package-lock.json ]; then
  echo "Installing the local stand-ins (npm ci)..."
  (cd local && npm ci --no-audit --no-fund --loglevel=error)
fi
# The TypeScript client, which the agent console is bundled from when the Function App builds.
if [ ! -d clients/typescript/node_modules/esbuild ] || [ clients/typescript/package-lock.json -nt clients/typescript/node_modules/.package-lock.json ]; then
  echo "Installing the TypeScript client's build tools (npm ci in clients/typescript)..."
  (cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "Building (Release)..."
for project in LiveChat.Functions tools/LiveChat.Dev local/functions-host local/signalr; do
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly
done
# The OpenTelemetry dashboard (Aspire's standalone one, linux-x64); the service runs without it where it cannot.
if [ "$(uname -m)" = x86_64 ] && dotnet restore local/dashboard -v quiet >/dev/null 2>&1; then
  LIVECHAT_DASHBOARD="$(dotnet msbuild local/dashboard -t:DashboardPath -nologo -v:m | tr -d ' ' | tail -1)"
  export LIVECHAT_DASHBOARD
else
  echo "The telemetry dashboard is not available here; the service runs without it."
fi
exec node local/run.mjs "$@"
