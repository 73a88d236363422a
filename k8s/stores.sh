#!/usr/bin/env bash
# Prints the region's databases for `kubectl apply`: the PostgreSQL cluster (k8s/postgres/cluster.yaml) with a login
# role, and a Database (k8s/postgres/databases.yaml), for identity and each service on PostgreSQL only; with
# --mongodb, also the MongoDB replica set (k8s/mongodb/mongodb-community.yaml) with a user for each of the services
# named there only. Give it the same --mongodb list as k8s/create-secrets.sh and the region's chart values:
#
#   k8s/stores.sh | kubectl -n casework-north-west apply -f -                       # every service on PostgreSQL
#   k8s/stores.sh --mongodb intake,notes | kubectl -n casework-ireland apply -f -   # intake and notes on MongoDB
#
# Why not apply the files as they are: they declare every service. The MongoDB operator stops reconciling the whole
# replica set when one user's password Secret is missing, and would write casework-<service>-store (the Secret the
# chart reads) for services that are on PostgreSQL, over the Secret create-secrets.sh made; CloudNativePG would make
# roles from Secrets that hold MongoDB credentials. The files keep every service so each entry has one reviewed shape;
# this script only leaves out whole entries (a role or user list item, a Database document), by name.
# Needs bash and awk only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
usage() { echo "usage: $0 [--mongodb service,service,...]" >&2; exit 2; }

mongodb=""
while (($#)); do
  case "$1" in
    --mongodb) mongodb="${2:-}"; [[ -n $mongodb ]] || usage; shift 2 ;;
    *) usage ;;
  esac
done

source "$here/engines.sh"
read_mongodb_services "$mongodb"

postgres_services=()
mongodb_services=()
for service in "${all_services[@]}"; do
  if [[ -n ${on_mongodb[$service]:-} ]]; then mongodb_services+=("$service"); else postgres_services+=("$service"); fi
done

# keep_items <file> <service>...: the file without the list items "- name: casework_<service>" (and the lines
# indented under them) of the services not given.
keep_items() {
  local file="$1"
  shift
  awk -v keep=" $* " '
    function indent(line) { match(line, /^ */); return RLENGTH }
    {
      if (match($0, /^ *- name: casework_[a-z]+$/)) {
        service = $0; sub(/^ *- name: casework_/, "", service)
        item = indent($0); skipping = index(keep, " " service " ") == 0
      } else if (skipping && ($0 ~ /^ *$/ || indent($0) <= item)) {
        skipping = 0
      }
      if (!skipping) print
    }' "$file"
}

# keep_documents <file> <service>...: the file without the documents naming a database casework_<service> of the
# services not given.
keep_documents() {
  local file="$1"
  shift
  awk -v keep=" $* " '
    function flush() {
      if (doc != "" && (service == "" || index(keep, " " service " ") > 0)) printf "%s%s", (printed++ ? "---\n" : ""), doc
      doc = ""; service = ""
    }
    /^---$/ { flush(); next }
    {
      doc = doc $0 "\n"
      if (match($0, /^  name: casework_[a-z]+$/)) { service = $0; sub(/^  name: casework_/, "", service) }
    }
    END { flush() }' "$file"
}

keep_items "$here/postgres/cluster.yaml" "${postgres_services[@]}"
echo "---"
keep_documents "$here/postgres/databases.yaml" "${postgres_services[@]}"
if ((${#mongodb_services[@]})); then
  echo "---"
  keep_items "$here/mongodb/mongodb-community.yaml" "${mongodb_services[@]}"
fi
