#!/usr/bin/env bash
# Creates the Secrets a Casework region needs before k8s/rabbitmq, k8s/postgres (and k8s/mongodb) and the Helm
# release are applied: random passwords, generated here and written only into the cluster (never printed, never in
# a file outside a private temporary folder that is removed on exit).
#
#   k8s/create-secrets.sh casework-north-west                       # every service on PostgreSQL
#   k8s/create-secrets.sh casework-north-west --mongodb intake,notes # these services on MongoDB
#   k8s/create-secrets.sh casework-north-west --federation           # also the region's rollup signing key
#   DRY_RUN=1 k8s/create-secrets.sh casework-north-west              # print the manifests (with passwords) instead
#
# A Secret that already exists is left alone (running it again is safe and changes nothing); to rotate a password
# see k8s/README.md, "Rotating a password". The names match the charts' defaults for a release named "casework":
#
#   casework-broker            username, password (the RabbitMQ user, imported by k8s/rabbitmq/topology.yaml),
#                              connection-string (amqp://casework:...@casework-rabbitmq:5672/casework)
#   casework-<service>-store   PostgreSQL services (identity always): type kubernetes.io/basic-auth, username,
#                              password (the role CloudNativePG creates, k8s/postgres/cluster.yaml) and
#                              connection-string (Host=casework-postgres-rw;...;Database=casework_<service>;...)
#   casework-<service>-mongodb-password
#                              MongoDB services: password of the MongoDB user; the MongoDB operator then writes
#                              casework-<service>-store with connectionString.standard (k8s/mongodb/).
#   casework-identity-keys     signing.pem, encryption.pem: Identity's two RSA-2048 private keys (PKCS#8 PEM)
#   casework-reporting-federation
#                              with --federation: signing-key.pem, the region's ECDSA P-256 key for signed rollups;
#                              its public key is printed (send it to the national body; it is not a secret). Set
#                              reporting.federation.signingKey.existingSecret to this name in the region's values.
set -euo pipefail

usage() { echo "usage: $0 <namespace> [--mongodb service,service,...] [--federation]" >&2; exit 2; }

namespace="${1:-}"
[[ -n $namespace && $namespace != -* ]] || usage
shift
mongodb=""
federation=""
while (($#)); do
  case "$1" in
    --mongodb) mongodb="${2:-}"; [[ -n $mongodb ]] || usage; shift 2 ;;
    --federation) federation=1; shift ;;
    *) usage ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/engines.sh"
read_mongodb_services "$mongodb"

dry_run="${DRY_RUN:-}"
kubectl="${KUBECTL:-kubectl}"
work="$(mktemp -d)"
chmod 700 "$work"
trap 'rm -rf "$work"' EXIT

# Hex only: safe inside an amqp:// URI and an Npgsql connection string without any escaping.
password() { openssl rand -hex 24; }

exists() { [[ -z $dry_run ]] && "$kubectl" -n "$namespace" get secret "$1" >/dev/null 2>&1; }

# create <name> <type> <key>=<value>...: values go through files in the private folder, not the command line.
create() {
  local name="$1" type="$2" args=() pair key
  shift 2
  if exists "$name"; then
    echo "secret/$name exists: left as it is" >&2
    return
  fi
  rm -f "$work"/*
  for pair in "$@"; do
    key="${pair%%=*}"
    printf '%s' "${pair#*=}" >"$work/$key"
    args+=("--from-file=$key=$work/$key")
  done
  "$kubectl" -n "$namespace" create secret generic "$name" --type="$type" "${args[@]}" \
    --dry-run=client -o yaml >"$work/manifest.yaml"
  # cnpg.io/reload: CloudNativePG applies a changed password of a managed role without a restart.
  "$kubectl" label --local -f "$work/manifest.yaml" -o yaml \
    app.kubernetes.io/part-of=casework ${label:+"$label"} >"$work/labelled.yaml"
  if [[ -n $dry_run ]]; then
    echo "---"
    cat "$work/labelled.yaml"
  else
    "$kubectl" -n "$namespace" apply -f "$work/labelled.yaml" >/dev/null
    echo "secret/$name created" >&2
  fi
}

label=""
broker_password="$(password)"
create casework-broker Opaque \
  username=casework \
  "password=$broker_password" \
  "connection-string=amqp://casework:$broker_password@casework-rabbitmq:5672/casework"

for service in "${all_services[@]}"; do
  secret_password="$(password)"
  if [[ -n ${on_mongodb[$service]:-} ]]; then
    label=""
    create "casework-$service-mongodb-password" Opaque "password=$secret_password"
  else
    role="casework_$service"
    label="cnpg.io/reload=true"
    # SSL Mode=Require: encrypted to CloudNativePG's server certificate (its own CA). To also verify the server,
    # mount the CA (Secret casework-postgres-ca, key ca.crt) and use SSL Mode=VerifyFull;Root Certificate=<path>.
    connection="Host=casework-postgres-rw;Port=5432;Database=$role;Username=$role;Password=$secret_password"
    create "casework-$service-store" kubernetes.io/basic-auth \
      "username=$role" \
      "password=$secret_password" \
      "connection-string=$connection;SSL Mode=Require"
  fi
done

# Identity signs tokens and encrypts codes with these; replacing them signs everyone out (k8s/README.md).
label=""
create casework-identity-keys Opaque \
  "signing.pem=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)" \
  "encryption.pem=$(openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null)"

if [[ -n $federation ]]; then
  if exists casework-reporting-federation; then
    echo "secret/casework-reporting-federation exists: left as it is" >&2
  else
    key="$(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 2>/dev/null)"
    create casework-reporting-federation Opaque "signing-key.pem=$key"
    # The public key on standard output (on standard error with DRY_RUN, whose output is the manifests).
    echo "The region's rollup public key (send it to the national body;" \
      "confirm the fingerprint by another channel):" >&2
    if [[ -n $dry_run ]]; then
      printf '%s\n' "$key" | openssl pkey -pubout >&2
    else
      printf '%s\n' "$key" | openssl pkey -pubout
    fi
    printf '%s\n' "$key" | openssl pkey -pubout -outform DER | sha256sum \
      | awk '{ printf "sha256 fingerprint: %s\n", $1 }' >&2
  fi
fi
