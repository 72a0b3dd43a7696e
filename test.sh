#!/usr/bin/env bash
# Runs every test. Needs only the .NET SDK, Node.js and npm: it installs the local stand-ins (npm ci) and, when
# missing, Debian's chromium for the browser tests (apt-get); the test run starts the local servers it needs on free
# ports and stops them when it ends.
# Last line: "N passed, N failed[, N skipped]", read from the test results.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if [ ! -d local/node_modules/azurite ] || [ local/package-lock.json -nt local/node_modules/.package-lock.json ]; then
  (cd local && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# The TypeScript client (clients/typescript): installed from its lock file and built; its Node tests run from
# LiveChat.Tests (TypeScriptClientTests), which starts the service for them, and are counted below.
if [ ! -d clients/typescript/node_modules/esbuild ] || [ clients/typescript/package-lock.json -nt clients/typescript/node_modules/.package-lock.json ]; then
  (cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci (clients/typescript) failed"; echo "0 passed, 1 failed"; exit 1; }
fi
(cd clients/typescript && npm run --silent build) || { echo "the TypeScript client does not build"; echo "0 passed, 1 failed"; exit 1; }

# The browser tests drive Debian's Chromium by its path (Playwright's own browser download is not reachable here).
if [ -z "${LIVECHAT_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests (apt-get)..."
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  { $sudo apt-get update -qq && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >/dev/null \
    || echo "Could not install chromium: the browser tests will fail (or set LIVECHAT_CHROMIUM to a Chromium executable)."
fi

# TRX results and the agent console's screenshots (TestResults/console) stay after the run.
results="$PWD/TestResults"
rm -rf "$results"
export LIVECHAT_TEST_RESULTS="$results"
# Every process this run starts inherits the marker, so the safety net below stops exactly those.
export LIVECHAT_TEST_RUN="test-$$-$(date +%s%N)"
# A test stuck for 5 minutes (the longest takes about 30 s) is stopped and named, so a hang fails the run instead
# of holding it; xunit.runner.json also names any test still running after 60 s.
dotnet test LiveChat.sln --configuration Release --logger "trx;LogFileName=results.trx" --results-directory "$results" \
  --blame-hang --blame-hang-timeout 5m --blame-hang-dump-type none "$@"
status=$?
# A safety net for a test process that died before its exit handlers ran: nothing this run started outlives it, and
# nothing else is touched (a ./run.sh of this checkout keeps running).
sleep 1
node local/stop-test-run.mjs "$LIVECHAT_TEST_RUN"
unset LIVECHAT_TEST_RUN

summary=$(node -e '
  const fs = require("fs"), path = require("path");
  const files = fs.readdirSync(process.argv[1]).filter(f => f.endsWith(".trx"));
  let passed = 0, failed = 0, skipped = 0;
  for (const f of files) {
    const xml = fs.readFileSync(path.join(process.argv[1], f), "utf8");
    const c = /<Counters\b([^>]*)>/.exec(xml);
    if (!c) continue;
    const n = k => Number((new RegExp(`\\b${k}="(\\d+)"`).exec(c[1]) || [0, 0])[1]);
    passed += n("passed"); failed += n("failed") + n("error") + n("timeout") + n("aborted"); skipped += n("notExecuted");
  }
  // Node test runs (the TypeScript client) leave JUnit files; the xunit test that ran them is counted above too.
  for (const f of fs.readdirSync(process.argv[1]).filter(f => f.endsWith(".junit.xml"))) {
    const xml = fs.readFileSync(path.join(process.argv[1], f), "utf8");
    const n = k => Number((new RegExp(`<!-- ${k} (\\d+) -->`).exec(xml) || [0, 0])[1]);
    passed += n("pass"); failed += n("fail") + n("cancelled"); skipped += n("skipped") + n("todo");
  }
  console.log(`${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ""));
' "$results")
echo "Test results and screenshots: TestResults/"
if [ "$status" -ne 0 ] && [[ "$summary" == *" 0 failed"* ]]; then summary="${summary/ 0 failed/ 1 failed}"; fi
echo "$summary"
exit $status
