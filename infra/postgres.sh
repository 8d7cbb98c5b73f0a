#!/usr/bin/env bash
# Starts and stops a local PostgreSQL cluster from the machine's binaries.
#
#   infra/postgres.sh start DIR [--fast] [--port N]   start (initialising DIR if empty); prints the connection string last
#   infra/postgres.sh stop DIR                         stop the cluster in DIR (fast shutdown)
#   infra/postgres.sh kill DIR                         stop the cluster in DIR at once (immediate shutdown)
#   infra/postgres.sh restart DIR                      stop, then start again on the same port
#   infra/postgres.sh status DIR                       exit 0 when the cluster in DIR accepts connections
#   infra/postgres.sh throwaway [--fast]               a new cluster in a temporary folder; prints "DIR<TAB>connection string"
#   infra/postgres.sh discard DIR                      stop a throwaway cluster and delete its folder
#   infra/postgres.sh ensure-binaries                  install Debian's postgresql package when initdb/pg_ctl are missing
#
# PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user.
# --fast turns off fsync and synchronous commit: for throwaway test clusters only, never for benchmarks.
set -euo pipefail

DB_NAME="${ACCOUNTABILITY_PG_DATABASE:-accountability}"
PG_USER="postgres"

log() { printf '%s\n' "$*" >&2; }
die() { log "postgres.sh: $*"; exit 1; }

find_bin_dir() {
  local candidate
  for candidate in ${PG_BIN_DIR:-} /usr/lib/postgresql/*/bin; do
    [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ] && { echo "$candidate"; return 0; }
  done
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
  fi
  return 1
}

ensure_binaries() {
  if ! BIN="$(find_bin_dir)"; then
    [ "$(id -u)" = 0 ] || die "PostgreSQL binaries are missing; install the 'postgresql' package (needs root)"
    log "Installing PostgreSQL from Debian's packages..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    BIN="$(find_bin_dir)" || die "PostgreSQL binaries still missing after apt-get install postgresql"
  fi
  if [ "$(id -u)" = 0 ] && ! id "$PG_USER" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
  fi
}

# Runs a command as the cluster's owner: the postgres user when we are root, ourselves otherwise.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

free_port() {
  python3 - <<'EOF' 2>/dev/null || echo $(( 20000 + RANDOM % 20000 ))
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()
EOF
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

prepare_dir() {
  local dir="$1"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown "$PG_USER" "$dir"
    chmod 700 "$dir"
    as_owner test -w "$dir" || die "the postgres user cannot write $dir (a parent folder is not accessible to it)"
  fi
}

connection_string() {
  local port="$1"
  echo "Host=127.0.0.1;Port=$port;Username=$PG_USER;Database=$DB_NAME;Keepalive=10"
}

start() {
  local dir="" fast=0 port=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --fast) fast=1 ;;
      --port) port="$2"; shift ;;
      *) dir="$1" ;;
    esac
    shift
  done
  [ -n "$dir" ] || die "usage: start DIR [--fast] [--port N]"
  ensure_binaries
  dir="$(cd "$(dirname "$dir")" 2>/dev/null && pwd)/$(basename "$dir")" || dir="$1"
  prepare_dir "$dir"
  local data="$dir/data"
  if [ ! -s "$data/PG_VERSION" ]; then
    as_owner mkdir -p "$data"
    as_owner "$BIN/initdb" -D "$data" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || as_owner "$BIN/initdb" -D "$data" -U "$PG_USER" --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if as_owner "$BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port="$(cat "$dir/port")"
  else
    if [ -z "$port" ] && [ -s "$dir/port" ] && port_is_free "$(cat "$dir/port")"; then port="$(cat "$dir/port")"; fi
    [ -n "$port" ] || port="$(free_port)"
    local opts="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=400"
    opts="$opts -c shared_buffers=256MB -c idle_in_transaction_session_timeout=60s -c log_min_messages=warning"
    # The working set lives in memory: a page read at random costs about what a page read in sequence does. With
    # the default (4) the planner scans small, constantly updated tables (streams, goals) whole, dead rows and all,
    # instead of looking a batch's keys up in their index.
    opts="$opts -c random_page_cost=1.1"
    if [ "$fast" = 1 ]; then opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; fi
    echo "$port" >"$dir/port"
    [ "$(id -u)" = 0 ] && chown "$PG_USER" "$dir/port"
    echo "$opts" >"$dir/options"
    as_owner "$BIN/pg_ctl" -D "$data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
      || { tail -n 30 "$dir/server.log" >&2 || true; die "the server did not start"; }
  fi
  as_owner "$BIN/psql" -h "$dir" -p "$port" -U "$PG_USER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1 \
    || as_owner "$BIN/psql" -h "$dir" -p "$port" -U "$PG_USER" -d postgres -qc "CREATE DATABASE \"$DB_NAME\"" >/dev/null
  connection_string "$port"
}

stop() {
  local dir="$1" mode="${2:-fast}"
  ensure_binaries
  [ -d "$dir/data" ] || return 0
  as_owner "$BIN/pg_ctl" -D "$dir/data" -m "$mode" -w -t 60 stop >/dev/null 2>&1 || true
}

restart() {
  local dir="$1" port fast=()
  port="$(cat "$dir/port")"
  grep -q "fsync=off" "$dir/options" 2>/dev/null && fast=(--fast)
  stop "$dir"
  start "$dir" --port "$port" "${fast[@]}"
}

status() {
  ensure_binaries
  as_owner "$BIN/pg_isready" -q -h 127.0.0.1 -p "$(cat "$1/port")"
}

throwaway() {
  local base dir
  base="${ACCOUNTABILITY_PG_TMP:-/tmp}"
  dir="$(mktemp -d "$base/accountability-pg.XXXXXX")"
  chmod 755 "$dir"
  local cs
  cs="$(start "$dir" "$@")"
  printf '%s\t%s\n' "$dir" "$cs"
}

discard() {
  local dir="$1"
  case "$(basename "$dir")" in accountability-pg.*) ;; *) die "discard only deletes throwaway folders (accountability-pg.*): $dir" ;; esac
  stop "$dir" fast
  rm -rf "$dir"
}

cmd="${1:-}"; shift || true
case "$cmd" in
  start) start "$@" ;;
  stop) stop "$1" fast ;;
  kill) stop "$1" immediate ;;
  restart) restart "$1" ;;
  status) status "$1" ;;
  throwaway) throwaway "$@" ;;
  discard) discard "$1" ;;
  ensure-binaries) ensure_binaries ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
