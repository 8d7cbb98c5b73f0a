#!/usr/bin/env bash
# Runs the service. With no connection string configured it starts (or reuses) a local PostgreSQL
# cluster kept under infra/.pgdata, so data survives restarts.
#
#   infra/run.sh [--demo] [--urls http://127.0.0.1:5080] [other ASP.NET Core arguments]
#
# --demo seeds a demo cohort (a coach, 12 members, six weeks of history) when the database is empty.
# A connection string in ConnectionStrings__Accountability (environment) or in
# src/Accountability.Api/appsettings*.json always wins over the local cluster.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

configured_in_appsettings() {
  grep -hE '"Accountability"[[:space:]]*:[[:space:]]*"[^"]+"' src/Accountability.Api/appsettings*.json >/dev/null 2>&1
}

if [ -z "${ConnectionStrings__Accountability:-}" ] && ! configured_in_appsettings; then
  echo "No connection string configured: starting the local PostgreSQL cluster in infra/.pgdata ..." >&2
  export Database__EmbeddedConnectionString="$(infra/postgres.sh start "$root/infra/.pgdata" | tail -n 1)"
fi

args=("$@")
has_urls=0
for a in "${args[@]+"${args[@]}"}"; do [ "$a" = "--urls" ] && has_urls=1; done
[ "$has_urls" = 1 ] || args+=(--urls "${ASPNETCORE_URLS:-http://127.0.0.1:5080}")

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
exec dotnet run --project src/Accountability.Api -c Release --no-launch-profile -- "${args[@]}"
