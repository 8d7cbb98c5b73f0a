#!/usr/bin/env bash
# Runs every test: builds the solution, starts a throwaway PostgreSQL cluster, runs the .NET test
# projects (unit, integration, security, guarantee and real-time tests; the real-time tests drive the
# npm SignalR client in Node against the service on loopback) and prints one summary line.
#
#   infra/test.sh [extra dotnet test arguments, e.g. --filter "Category=EventStoreGuarantees"]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

infra/postgres.sh ensure-binaries

# Node and the npm SignalR client for the real-time tests.
if [ -f tests/feed-client/package.json ]; then
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm
    else
      echo "test.sh: node and npm are needed for the real-time tests" >&2; exit 1
    fi
  fi
  (cd tests/feed-client && { [ -d node_modules/@microsoft/signalr ] || npm ci --no-audit --no-fund --loglevel=error; })
fi

line="$(infra/postgres.sh throwaway --fast | tail -n 1)"
export ACCOUNTABILITY_TEST_PG_DIR="${line%%$'\t'*}"
export ACCOUNTABILITY_TEST_PG="${line#*$'\t'}"
cleanup() { infra/postgres.sh stop "$ACCOUNTABILITY_TEST_PG_DIR" || true; rm -rf "$ACCOUNTABILITY_TEST_PG_DIR"; }
trap cleanup EXIT

results="$(mktemp -d)"
dotnet build Accountability.sln -c Release --nologo -v quiet -clp:ErrorsOnly
set +e
dotnet test Accountability.sln -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
status=$?
set -e

python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    skipped += int(c.get("notExecuted", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
rm -rf "$results"
exit $status
