#!/usr/bin/env bash
# Local infrastructure for running and testing Casework: PostgreSQL and RabbitMQ from Debian packages.
#   infra.sh up             install (if missing) and start both servers; ensure role, databases, vhost
#   infra.sh test-vhosts    recreate the RabbitMQ vhosts used by tests (empty, no stale queues)
#   infra.sh drop-test-dbs  drop databases left over by earlier test runs (test_* and e2e_*)
#   infra.sh reset-bench    drop the benchmark's databases (bench_*) and recreate its vhost (bench)
# Idempotent: a second run only checks and takes a few seconds.
set -euo pipefail

# The server tools live in sbin, which a non-login root shell (CI) may not have on PATH.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

PG_ROLE=casework
LOCAL_DBS=(casework_identity casework_intake casework_case casework_notes casework_assignment casework_reporting)
LOCAL_VHOST=casework
TEST_VHOSTS=(test-messaging test-intake test-case test-notes test-assignment test-reporting test-e2e test-deploy)
RABBIT_START_TIMEOUT=60
PG_START_TIMEOUT=30

log() { echo "infra: $*" >&2; }
die() { log "error: $*"; exit 1; }

# apt-get update is slow; do it at most once per invocation and only when something is missing.
APT_UPDATED=0
apt_install() {
  if [[ $APT_UPDATED == 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
  log "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# psql (SQL on stdin) as the postgres superuser; cd / so runuser does not complain about an unreadable cwd.
pg_admin() {
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres)
}

ensure_postgres() {
  command -v pg_ctlcluster >/dev/null || apt_install postgresql
  # The package normally creates the default cluster; create it if a machine lacks one.
  if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
    local ver
    ver="$(printf '%s\n' /usr/lib/postgresql/* | sed 's|.*/||' | sort -V | tail -n1)"
    log "creating PostgreSQL $ver cluster main"
    pg_createcluster "$ver" main >/dev/null
  fi
  # Start every cluster that is down (normally just 15/main on port 5432).
  local ver name status
  while read -r ver name _ status _; do
    if [[ $status != online* ]]; then
      log "starting PostgreSQL $ver/$name"
      pg_ctlcluster "$ver" "$name" start
    fi
  done < <(pg_lsclusters -h)
  local deadline=$((SECONDS + PG_START_TIMEOUT))
  until pg_isready -q -h 127.0.0.1 -p 5432; do
    ((SECONDS < deadline)) || die "PostgreSQL did not accept connections on 127.0.0.1:5432 within ${PG_START_TIMEOUT}s"
    sleep 0.2
  done
}

ensure_rabbit_installed() {
  command -v rabbitmq-server >/dev/null || apt_install rabbitmq-server
}

# await_startup fails at once when no node is up yet, so retry until a deadline.
wait_rabbit() {
  local deadline=$((SECONDS + RABBIT_START_TIMEOUT))
  until rabbitmqctl -q await_startup --timeout 10 >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "RabbitMQ did not start within ${RABBIT_START_TIMEOUT}s (see /var/log/rabbitmq/)"
    sleep 0.5
  done
}

ensure_rabbit_running() {
  # One cheap call answers "is it up?" (also waits if another caller is still booting it).
  if rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1; then
    return
  fi
  log "starting RabbitMQ"
  rabbitmq-server -detached
  wait_rabbit
}

# Creates the vhosts (if missing) and grants guest full permissions, in a single rabbitmqctl call:
# import_definitions merges, so it is idempotent.
rabbit_define_vhosts() {
  local json='{"vhosts":[' perms='' sep='' v
  for v in "$@"; do
    json+="$sep{\"name\":\"$v\"}"
    perms+="$sep{\"user\":\"guest\",\"vhost\":\"$v\",\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"
    sep=','
  done
  json+="],\"permissions\":[$perms]}"
  printf '%s' "$json" | rabbitmqctl -q import_definitions >/dev/null
}

cmd_up() {
  # platform.sh makes the demo federation keys (and staff-token.sh its PKCE values) with the openssl command line.
  command -v openssl >/dev/null || apt_install openssl
  ensure_postgres
  ensure_rabbit_installed
  ensure_rabbit_running

  # Role and databases in one psql session; \gexec runs each CREATE DATABASE outside a transaction.
  local db_list
  db_list="$(printf "'%s'," "${LOCAL_DBS[@]}")"
  db_list="${db_list%,}"
  pg_admin <<SQL
SELECT 'CREATE ROLE $PG_ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE')
\gexec
ALTER ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_ROLE';
SELECT format('CREATE DATABASE %I OWNER $PG_ROLE', d)
  FROM unnest(ARRAY[$db_list]) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\gexec
SELECT format('ALTER DATABASE %I OWNER TO $PG_ROLE', datname)
  FROM pg_database
 WHERE datname IN ($db_list) AND pg_get_userbyid(datdba) <> '$PG_ROLE'
\gexec
SQL

  rabbit_define_vhosts "$LOCAL_VHOST"
  log "ready: PostgreSQL 127.0.0.1:5432 (role $PG_ROLE), RabbitMQ 127.0.0.1:5672 (vhost $LOCAL_VHOST)"
}

# Deleting a vhost drops its queues and messages; only delete the ones that exist (it errors otherwise).
recreate_vhosts() {
  ensure_rabbit_running
  local existing v
  existing="$(rabbitmqctl -q list_vhosts name --no-table-headers)"
  for v in "$@"; do
    if grep -qxF -- "$v" <<<"$existing"; then
      rabbitmqctl -q delete_vhost "$v" >/dev/null
    fi
  done
  rabbit_define_vhosts "$@"
}

# Drops every database whose name starts with one of the given prefixes (underscores are literal).
drop_databases() {
  ensure_postgres
  local prefix conditions="false"
  for prefix in "$@"; do conditions+=" OR datname LIKE '${prefix//_/\\_}%'"; done
  # WITH (FORCE) disconnects sessions a crashed run may have left open.
  pg_admin <<SQL
SELECT format('DROP DATABASE %I WITH (FORCE)', datname) FROM pg_database WHERE $conditions
\gexec
SQL
}

cmd_test_vhosts() {
  recreate_vhosts "${TEST_VHOSTS[@]}"
  log "test vhosts recreated: ${TEST_VHOSTS[*]}"
}

cmd_drop_test_dbs() {
  drop_databases test_ e2e_
  log "test databases dropped"
}

cmd_reset_bench() {
  drop_databases bench_
  recreate_vhosts bench
  log "benchmark databases dropped, vhost bench recreated"
}

[[ $EUID == 0 ]] || die "must run as root (installs packages, runs psql as postgres, runs rabbitmqctl)"

case "${1:-}" in
  up) cmd_up ;;
  test-vhosts) cmd_test_vhosts ;;
  drop-test-dbs) cmd_drop_test_dbs ;;
  reset-bench) cmd_reset_bench ;;
  *) echo "usage: $0 up|test-vhosts|drop-test-dbs|reset-bench" >&2; exit 2 ;;
esac
