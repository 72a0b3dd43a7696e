#!/usr/bin/env bash
# Starts the whole service locally: the Cosmos and Blob stand-ins, then DevHost (the Function App's functions
# over HTTP, with the sweep timer) on http://127.0.0.1:7071, seeded with a demo tenant whose tokens it prints
# and writes to .local/demo.env. Ctrl+C stops everything it started.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
local/stack.sh start
trap 'local/stack.sh stop' EXIT
dotnet run --project LiveChat.DevHost -- --DevHost:SeedDemo=true --DevHost:DemoFile="$PWD/.local/demo.env" "$@"
