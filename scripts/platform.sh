#!/usr/bin/env bash
# Starts or stops the Casework platform as separate processes on loopback (used by `make run` and
# the end-to-end tests). It does not build: it runs the already built dlls.
#   platform.sh up     stop anything left in the run dir, start all processes, wait until ready
#   platform.sh down   stop the processes recorded in the run dir
# Environment (with defaults):
#   CASEWORK_RUN_DIR        <repo>/.run/local   pid files, one log per process, identity keys, demo
#                                               federation keys (federation/<region>.key.pem, .pub.pem)
#   CASEWORK_PORT_OFFSET    0                   added to every port (parallel runs side by side)
#   CASEWORK_DB_PREFIX      casework_           databases are <prefix>identity, <prefix>intake, ...
#   CASEWORK_VHOST          casework            RabbitMQ vhost
#   CASEWORK_CONFIGURATION  Release             which bin/<configuration> to run
#   CASEWORK_READY_TIMEOUT  90                  seconds to wait for every /health/ready
#   CASEWORK_SEED_DATA      deploy/local/demo-data.json   the demo data the services seed from
#   CASEWORK_START          parallel            or sequential: start each process once the one
#                                               before it is ready, so each one's start-up time is
#                                               its own (make bench); both write <run dir>/ready.tsv
# The caller's environment is inherited, so extra settings (e.g. Foo__Bar=1) pass through.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${CASEWORK_RUN_DIR:-$REPO/.run/local}"
OFFSET="${CASEWORK_PORT_OFFSET:-0}"
DB_PREFIX="${CASEWORK_DB_PREFIX:-casework_}"
VHOST="${CASEWORK_VHOST:-casework}"
CONFIGURATION="${CASEWORK_CONFIGURATION:-Release}"
READY_TIMEOUT="${CASEWORK_READY_TIMEOUT:-90}"
SEED_DATA="${CASEWORK_SEED_DATA:-$REPO/deploy/local/demo-data.json}"
START_MODE="${CASEWORK_START:-parallel}"
STOP_TIMEOUT=10

log() { echo "platform: $*" >&2; }
die() { log "error: $*"; exit 1; }

[[ $OFFSET =~ ^[0-9]+$ ]] || die "CASEWORK_PORT_OFFSET must be a non-negative integer"
[[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || die "CASEWORK_READY_TIMEOUT must be a whole number of seconds"
# The prefix and vhost end up in SQL and URLs unquoted: keep them to safe characters.
[[ $DB_PREFIX =~ ^[a-z0-9_]+$ ]] || die "CASEWORK_DB_PREFIX must match [a-z0-9_]+"
[[ $VHOST =~ ^[A-Za-z0-9_.-]+$ ]] || die "CASEWORK_VHOST must match [A-Za-z0-9_.-]+"
[[ -f $SEED_DATA ]] || die "CASEWORK_SEED_DATA: $SEED_DATA not found"
# The processes run in their own directories: make the path absolute.
SEED_DATA="$(cd "$(dirname "$SEED_DATA")" && pwd)/$(basename "$SEED_DATA")"
[[ $START_MODE == parallel || $START_MODE == sequential ]] || die "CASEWORK_START must be parallel or sequential"

# name | project dir | assembly | http port | grpc port (- = none) | database suffix (- = none)
# Order is the start order: identity, the five services, then the gateway.
PROCESSES=(
  "identity|services/Identity/Casework.Identity|Casework.Identity|5001|-|identity"
  "intake|services/Intake/Casework.Intake.Api|Casework.Intake.Api|5101|5201|intake"
  "case|services/Case/Casework.Case.Api|Casework.Case.Api|5102|5202|case"
  "notes|services/Notes/Casework.Notes.Api|Casework.Notes.Api|5103|5203|notes"
  "assignment|services/Assignment/Casework.Assignment.Api|Casework.Assignment.Api|5104|5204|assignment"
  "reporting|services/Reporting/Casework.Reporting.Api|Casework.Reporting.Api|5105|5205|reporting"
  "gateway|gateway/Casework.Gateway|Casework.Gateway|5000|-|-"
)

# Federation demo: this instance is region demo-local (it signs its rollups) and, as a national instance, trusts itself
# and demo-second, whose private key stays in the run dir so a demo or test can sign that region's rollup.
FEDERATION_DIR="$RUN_DIR/federation"
FEDERATION_REGION=demo-local
FEDERATION_REGIONS=(demo-local demo-second)

port() { echo $(($1 + OFFSET)); }
declare -A STARTED_AT=()
GATEWAY_PORT="$(port 5000)"
CASE_GRPC_PORT="$(port 5202)"

# Splits a PROCESSES entry into the variables name, project, assembly, http, grpc, db.
parse() {
  local p g
  IFS='|' read -r name project assembly p g db <<<"$1"
  http="$(port "$p")"
  if [[ $g == - ]]; then grpc=""; else grpc="$(port "$g")"; fi
  if [[ $db == - ]]; then db=""; else db="$DB_PREFIX$db"; fi
}

bin_dir() { echo "$REPO/$1/bin/$CONFIGURATION/net10.0"; }

# True if pid is alive and is still the dotnet process we started (guards against pid reuse).
is_ours() {
  local pid="$1" assembly="$2"
  [[ -r /proc/$pid/cmdline ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$assembly.dll"
}

cmd_down() {
  [[ -d $RUN_DIR ]] || return 0
  local pidfile pid assembly pids=()
  shopt -s nullglob
  for pidfile in "$RUN_DIR"/*.pid; do
    read -r pid assembly <"$pidfile" || true
    if [[ -n ${pid:-} ]] && is_ours "$pid" "${assembly:-}"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  # Give them STOP_TIMEOUT seconds in total to shut down gracefully, then KILL the rest.
  local deadline=$((SECONDS + STOP_TIMEOUT)) alive
  while :; do
    alive=()
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
    ((${#alive[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      log "killing ${alive[*]} (did not stop within ${STOP_TIMEOUT}s)"
      kill -KILL "${alive[@]}" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$RUN_DIR"/*.pid
  ((${#pids[@]} == 0)) || log "stopped ${#pids[@]} process(es) from $RUN_DIR"
}

ensure_databases() {
  local entry names=""
  for entry in "${PROCESSES[@]}"; do
    parse "$entry"
    [[ -n $db ]] && names+="'$db',"
  done
  # One psql session; \gexec runs each CREATE DATABASE on its own (not allowed in a transaction).
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres) <<SQL
SELECT format('CREATE DATABASE %I OWNER casework', d)
  FROM unnest(ARRAY[${names%,}]) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\gexec
SQL
}

# The vhost must exist before the services connect; import_definitions is idempotent and one call.
ensure_vhost() {
  printf '{"vhosts":[{"name":"%s"}],"permissions":[{"user":"guest","vhost":"%s","configure":".*","write":".*","read":".*"}]}' \
    "$VHOST" "$VHOST" | rabbitmqctl -q import_definitions >/dev/null
}

start_one() {
  local entry="$1" dir env=()
  parse "$entry"
  dir="$(bin_dir "$project")"
  env=(
    DOTNET_ENVIRONMENT=Development
    Logging__LogLevel__Default=Information
    "Kestrel__Endpoints__Http__Url=http://127.0.0.1:$http"
  )
  # Each process gets only the settings it reads: at start it warns about any it did not (ConfigurationUsage).
  if [[ $name != identity ]]; then
    env+=("Auth__Authority=http://127.0.0.1:$GATEWAY_PORT/" Auth__RequireHttpsMetadata=false)
  fi
  if [[ -n $grpc ]]; then
    env+=("Kestrel__Endpoints__Grpc__Url=http://127.0.0.1:$grpc" Kestrel__Endpoints__Grpc__Protocols=Http2)
  fi
  if [[ -n $db ]]; then
    env+=("ConnectionStrings__Store=Host=127.0.0.1;Port=5432;Database=$db;Username=casework;Password=casework;SSL Mode=Disable")
  fi
  case "$name" in
    identity)
      env+=(
        "Identity__Issuer=http://127.0.0.1:$GATEWAY_PORT/"
        "Identity__KeysDirectory=$RUN_DIR/identity-keys"
        "Seed__DemoDataPath=$SEED_DATA"
      )
      ;;
    gateway)
      local cluster cluster_port
      for cluster in identity:5001 intake:5101 case:5102 notes:5103 assignment:5104 reporting:5105; do
        cluster_port="$(port "${cluster#*:}")"
        env+=("ReverseProxy__Clusters__${cluster%%:*}__Destinations__primary__Address=http://127.0.0.1:$cluster_port/")
      done
      ;;
    *)
      env+=(
        "ConnectionStrings__Broker=amqp://guest:guest@127.0.0.1:5672/$VHOST"
      )
      # Intake and Reporting have no demo data of their own (Reporting learns it from events).
      [[ $name != intake && $name != reporting ]] && env+=("Seed__DemoDataPath=$SEED_DATA")
      if [[ $name == reporting ]]; then
        local region
        env+=(
          "Reporting__Federation__RegionId=$FEDERATION_REGION"
          "Reporting__Federation__SigningKeyPem=$(cat "$FEDERATION_DIR/$FEDERATION_REGION.key.pem")"
        )
        for region in "${FEDERATION_REGIONS[@]}"; do
          env+=("Reporting__Federation__TrustedRegions__${region}__PublicKeyPem=$(cat "$FEDERATION_DIR/$region.pub.pem")")
        done
      fi
      # Services that ask Case over gRPC (access checks, pathways).
      [[ $name == notes || $name == intake ]] && env+=("Services__Case__Grpc=http://127.0.0.1:$CASE_GRPC_PORT")
      ;;
  esac
  # exec keeps $! equal to the dotnet pid; stdin from /dev/null and output to the log so the
  # process never holds the caller's terminal or pipes (a test host would wait on them forever).
  (cd "$dir" && exec env "${env[@]}" dotnet "$assembly.dll") </dev/null >"$RUN_DIR/$name.log" 2>&1 &
  echo "$! $assembly" >"$RUN_DIR/$name.pid"
  STARTED_AT[$name]=$EPOCHREALTIME
}

# Demo key pairs (ECDSA P-256, as the README tells a region to make its own), made once per run dir and kept: local only,
# never committed (.run/ is git-ignored), private keys readable by the owner alone.
ensure_federation_keys() {
  local region
  mkdir -p "$FEDERATION_DIR"
  chmod 700 "$FEDERATION_DIR"
  for region in "${FEDERATION_REGIONS[@]}"; do
    if [[ ! -s $FEDERATION_DIR/$region.key.pem || ! -s $FEDERATION_DIR/$region.pub.pem ]]; then
      (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$FEDERATION_DIR/$region.key.pem" 2>/dev/null) \
        || die "could not create the demo federation key of $region (openssl)"
      openssl pkey -in "$FEDERATION_DIR/$region.key.pem" -pubout -out "$FEDERATION_DIR/$region.pub.pem" 2>/dev/null \
        || die "could not write the public key of $region (openssl)"
      log "created demo federation key pair $FEDERATION_DIR/$region.{key,pub}.pem"
    fi
  done
}

# Milliseconds from a process's start until now (bash's EPOCHREALTIME has microseconds).
ms_since_start() {
  local now=$EPOCHREALTIME start="${STARTED_AT[$1]}"
  echo $(((${now/./} - ${start/./}) / 1000))
}

# Prints the last lines of a process's log and fails; stops what was started so nothing lingers.
fail_with_log() {
  local name="$1" why="$2"
  log "error: $name $why; last 40 lines of $RUN_DIR/$name.log:"
  tail -n 40 "$RUN_DIR/$name.log" >&2 || true
  cmd_down
  exit 1
}

# Polls each given process's readiness every $1 seconds within one overall deadline and fails early
# if one exits; appends "name<TAB>ms from start to ready" to ready.tsv as each becomes ready.
wait_ready() {
  local interval="$1" entry code pid still
  shift
  local deadline=$((SECONDS + READY_TIMEOUT)) pending=("$@")
  while ((${#pending[@]} > 0)); do
    still=()
    for entry in "${pending[@]}"; do
      parse "$entry"
      code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$http/health/ready" || true)"
      if [[ $code == 200 ]]; then
        printf '%s\t%s\n' "$name" "$(ms_since_start "$name")" >>"$RUN_DIR/ready.tsv"
      else
        read -r pid _ <"$RUN_DIR/$name.pid"
        kill -0 "$pid" 2>/dev/null || fail_with_log "$name" "exited before it was ready"
        still+=("$entry")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    ((${#pending[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      parse "${pending[0]}"
      fail_with_log "$name" "not ready (GET http://127.0.0.1:$http/health/ready != 200) within ${READY_TIMEOUT}s"
    fi
    sleep "$interval"
  done
}

cmd_up() {
  cmd_down
  mkdir -p "$RUN_DIR" "$RUN_DIR/identity-keys"

  # Check every dll first so a missing build fails before anything starts.
  local entry missing=0
  for entry in "${PROCESSES[@]}"; do
    parse "$entry"
    if [[ ! -f "$(bin_dir "$project")/$assembly.dll" ]]; then
      log "error: $(bin_dir "$project")/$assembly.dll not found (build first: make build)"
      missing=1
    fi
  done
  ((missing == 0)) || exit 1

  ensure_databases
  ensure_vhost
  ensure_federation_keys

  : >"$RUN_DIR/ready.tsv"
  if [[ $START_MODE == sequential ]]; then
    for entry in "${PROCESSES[@]}"; do
      start_one "$entry"
      wait_ready 0.02 "$entry"
    done
  else
    for entry in "${PROCESSES[@]}"; do start_one "$entry"; done
    wait_ready 0.2 "${PROCESSES[@]}"
  fi

  echo "Casework is up (logs and pids in $RUN_DIR):"
  for entry in "${PROCESSES[@]}"; do
    parse "$entry"
    printf '  %-11s http://127.0.0.1:%s/%s\n' "$name" "$http" "${grpc:+  grpc http://127.0.0.1:$grpc}"
  done
  echo "Entry point (gateway): http://127.0.0.1:$GATEWAY_PORT/"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
