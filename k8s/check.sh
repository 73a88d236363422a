#!/usr/bin/env bash
# Checks k8s/ without a cluster (none is reachable from the build machines):
#   1. every manifest parses, names its apiVersion, kind and name, and leaves the namespace to `kubectl -n`;
#   2. the Secrets k8s/create-secrets.sh makes are the ones the manifests and the charts' defaults read, and their
#      connection strings point at the databases, roles, vhost and user the manifests declare; for every service on
#      PostgreSQL, on MongoDB, and mixed (intake and notes on MongoDB), k8s/stores.sh declares roles, databases and
#      MongoDB users for exactly the services on each engine, each with its password Secret, and no MongoDB user
#      writes a Secret that create-secrets.sh made;
#   3. the dashboard is valid JSON, its ConfigMap is up to date, and every PromQL expression (alerts and panels)
#      parses; the alert rules pass their unit tests (promtool, taken from Debian's prometheus package by scripts/tools.sh --test).
# Prints one line per check and ends with "N passed, N failed".
set -uo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

result() { # result <name> <exit code> [output file]
  if [[ $2 == 0 ]]; then
    echo "ok    $1"
    passed=$((passed + 1))
  else
    echo "FAIL  $1"
    [[ -n ${3:-} && -s ${3:-} ]] && sed 's/^/      /' "$3"
    failed=$((failed + 1))
  fi
}

# scripts/tools.sh --test installs kubectl, promtool (in .tools/bin) and PyYAML (make test runs it first).
export PATH="$repo/.tools/bin:$PATH"
if ! bash "$repo/scripts/tools.sh" --test >/dev/null 2>&1 || ! python3 -c 'import yaml' 2>/dev/null || ! command -v promtool >/dev/null; then
  echo "k8s/check.sh: run scripts/tools.sh --test (as root) first: it installs kubectl, promtool and python3-yaml" >&2
  exit 1
fi
kubectl="$repo/.tools/bin/kubectl"

manifests=("$here"/namespace.yaml "$here"/network-policies.yaml "$here"/rabbitmq/*.yaml "$here"/postgres/*.yaml
  "$here"/postgres/optional/*.yaml "$here"/mongodb/*.yaml "$here"/monitoring/*.yaml)

# 1. Manifests.
for file in "${manifests[@]}"; do
  [[ $file == *.test.yaml ]] && continue
  python3 - "$file" >"$work/out" 2>&1 <<'PY'
import sys, yaml
path = sys.argv[1]
docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
assert docs, "no document"
for d in docs:
    for field in ("apiVersion", "kind"):
        assert d.get(field), f"a document without {field}"
    meta = d.get("metadata") or {}
    assert meta.get("name"), f"{d['kind']} without metadata.name"
    # Applied with kubectl -n casework-<region>: a fixed namespace would put a region's objects in another's.
    if d["kind"] != "Namespace":
        assert "namespace" not in meta, f"{d['kind']}/{meta['name']} sets metadata.namespace"
    assert (meta.get("labels") or {}).get("app.kubernetes.io/part-of") == "casework", \
        f"{d['kind']}/{meta['name']} lacks the label app.kubernetes.io/part-of: casework"
PY
  result "manifest ${file#"$repo"/}" $? "$work/out"
done

# The namespace enforces, audits and warns at restricted, each with a pinned version.
python3 - "$here/namespace.yaml" >"$work/out" 2>&1 <<'PY'
import sys, yaml, re
labels = yaml.safe_load(open(sys.argv[1]))["metadata"]["labels"]
for mode in ("enforce", "audit", "warn"):
    assert labels.get(f"pod-security.kubernetes.io/{mode}") == "restricted", f"{mode} is not restricted"
    version = labels.get(f"pod-security.kubernetes.io/{mode}-version", "")
    assert re.fullmatch(r"v1\.\d+|latest", version), f"{mode}-version is {version!r}"
PY
result "namespace enforces, audits and warns at restricted" $? "$work/out"

# 2. Secrets: what create-secrets.sh makes, against what the manifests and the charts read.
declare -A on_mongodb_of=([postgres]="" [mongodb]=intake,case,notes,assignment,reporting [mixed]=intake,notes)
for mode in postgres mongodb mixed; do
  args=(casework-check --federation)
  stores_args=()
  if [[ -n ${on_mongodb_of[$mode]} ]]; then
    args+=(--mongodb "${on_mongodb_of[$mode]}")
    stores_args+=(--mongodb "${on_mongodb_of[$mode]}")
  fi
  if DRY_RUN=1 KUBECTL="$kubectl" bash "$here/create-secrets.sh" "${args[@]}" >"$work/secrets-$mode.yaml" 2>"$work/out" \
    && bash "$here/stores.sh" "${stores_args[@]}" >"$work/stores-$mode.yaml" 2>"$work/out"; then
    python3 - "${on_mongodb_of[$mode]}" "$work/secrets-$mode.yaml" "$work/stores-$mode.yaml" "$here" "$repo/charts" >"$work/out" 2>&1 <<'PY'
import base64, os, sys, yaml
on_mongo_list, secrets_file, stores_file, k8s, charts = sys.argv[1:]
secrets = {}
for d in yaml.safe_load_all(open(secrets_file)):
    if d:
        assert d["metadata"].get("namespace") == "casework-check", "Secrets go to the namespace given"
        secrets[d["metadata"]["name"]] = (d["type"], {k: base64.b64decode(v).decode() for k, v in d["data"].items()})

def docs(*parts):
    return [d for d in yaml.safe_load_all(open(os.path.join(k8s, *parts))) if d]

def pairs(connection_string):
    return dict(p.split("=", 1) for p in connection_string.split(";") if p)

services = ["intake", "case", "notes", "assignment", "reporting"]
on_mongo = set(filter(None, on_mongo_list.split(",")))
on_postgres = [s for s in services + ["identity"] if s not in on_mongo]
stores = {}
for d in yaml.safe_load_all(open(stores_file)):
    if d:
        assert "namespace" not in d["metadata"], "stores.sh leaves the namespace to kubectl -n"
        stores.setdefault(d["kind"], []).append(d)

# The charts' defaults, for a release named casework: <release>-<chart>-store / connection-string,
# <release>-broker / connection-string, <release>-identity-keys / signing.pem, encryption.pem.
for service in services + ["identity"]:
    store = yaml.safe_load(open(os.path.join(charts, service, "values.yaml")))["store"]
    assert store["existingSecret"] in ("", None), f"charts/{service}: store.existingSecret is no longer the default"
    assert store["secretKey"] == "connection-string", f"charts/{service}: store.secretKey is {store['secretKey']}"
umbrella = yaml.safe_load(open(os.path.join(charts, "casework", "values.yaml")))
assert umbrella["global"]["broker"]["secretKey"] == "connection-string"
keys = yaml.safe_load(open(os.path.join(charts, "identity", "values.yaml")))["keys"]
_, identity_keys = secrets["casework-identity-keys"]
for key in (keys["signingKeyKey"], keys["encryptionKeyKey"]):
    assert identity_keys[key].startswith("-----BEGIN PRIVATE KEY-----"), f"casework-identity-keys/{key}"
assert identity_keys[keys["signingKeyKey"]] != identity_keys[keys["encryptionKeyKey"]], "two different keys"
assert secrets["casework-reporting-federation"][1]["signing-key.pem"].startswith("-----BEGIN PRIVATE KEY-----")

# Broker: the topology's user imports username/password from the Secret; the URI the charts read names that
# user, its password, the cluster's Service and the vhost the topology declares.
topology = {d["kind"]: d for d in docs("rabbitmq", "topology.yaml")}
cluster = docs("rabbitmq", "rabbitmq-cluster.yaml")[0]
broker_type, broker = secrets[topology["User"]["spec"]["importCredentialsSecret"]["name"]]
assert topology["User"]["spec"]["importCredentialsSecret"]["name"] == "casework-broker"
host, vhost = cluster["metadata"]["name"], topology["Vhost"]["spec"]["name"]
expected = f"amqp://{broker['username']}:{broker['password']}@{host}:5672/{vhost}"
assert broker["connection-string"] == expected, \
    "casework-broker/connection-string: not amqp://<user>:<password>@<cluster>:5672/<vhost>"
assert topology["Permission"]["spec"]["userReference"]["name"] == topology["User"]["metadata"]["name"]
assert topology["Permission"]["spec"]["vhost"] == topology["Vhost"]["spec"]["name"]

# PostgreSQL (k8s/stores.sh): a role and a database for identity and each service on PostgreSQL, none for a service on
# MongoDB; each role's password Secret is the service's store Secret (basic-auth), and its connection string names
# the -rw Service, the service's database and role, and the same password.
pg = stores["Cluster"][0]
roles = {r["name"]: r["passwordSecret"]["name"] for r in pg["spec"]["managed"]["roles"]}
databases = {d["spec"]["name"]: d["spec"]["owner"] for d in stores["Database"]}
assert set(roles) == {f"casework_{s}" for s in on_postgres}, f"PostgreSQL roles {sorted(roles)}: not those of {on_postgres}"
assert set(databases) == set(roles), f"PostgreSQL databases {sorted(databases)}: not those of {on_postgres}"
for service in on_postgres:
    role = f"casework_{service}"
    assert databases.get(role) == role, f"database {role} owned by {role}"
    assert roles.get(role) == f"casework-{service}-store", f"managed role {role}"
    kind, data = secrets[f"casework-{service}-store"]
    assert kind == "kubernetes.io/basic-auth" and data["username"] == role
    cs = pairs(data["connection-string"])
    assert cs["Host"] == f"{pg['metadata']['name']}-rw" and cs["Database"] == role and cs["Username"] == role, \
        f"casework-{service}-store/connection-string: host, database or user"
    assert cs["Password"] == data["password"] and cs["SSL Mode"] == "Require"
for service in on_mongo:
    assert f"casework-{service}-store" not in secrets, f"{service} on MongoDB: the operator writes its store Secret"

# MongoDB (k8s/stores.sh): the replica set only when a service is on MongoDB, with a user for exactly those services;
# each user's password Secret exists (the operator stops reconciling every user without one), and the Secret it
# writes is the service's store Secret, never one create-secrets.sh made.
mongo = stores.get("MongoDBCommunity", [])
assert bool(mongo) == bool(on_mongo), "the MongoDB replica set exactly when some service is on MongoDB"
users = {u["name"]: u for u in mongo[0]["spec"]["users"]} if mongo else {}
assert set(users) == {f"casework_{s}" for s in on_mongo}, f"MongoDB users {sorted(users)}: not those of {sorted(on_mongo)}"
for service in on_mongo:
    user = users[f"casework_{service}"]
    assert user["db"] == f"casework_{service}" and user["roles"] == [{"name": "readWrite", "db": user["db"]}]
    assert user["connectionStringSecretName"] == f"casework-{service}-store"
    assert user["connectionStringSecretName"] not in secrets, f"the operator would overwrite {user['connectionStringSecretName']}"
    assert user["scramCredentialsSecretName"] != user["connectionStringSecretName"]
    assert secrets[user["passwordSecretRef"]["name"]][1]["password"], f"{service} MongoDB password"
# The files stores.sh filters declare every service, so every region's entries have one reviewed shape.
assert {r["name"] for r in docs("postgres", "cluster.yaml")[0]["spec"]["managed"]["roles"]} == {f"casework_{s}" for s in services + ["identity"]}
assert {u["name"] for u in docs("mongodb", "mongodb-community.yaml")[0]["spec"]["users"]} == {f"casework_{s}" for s in services}
passwords = [data["password"] for _, data in secrets.values() if "password" in data]
assert len(passwords) == len(set(passwords)), "every password is different"
PY
    result "secrets and stores ($mode): create-secrets.sh and stores.sh match each other and the charts' defaults" $? "$work/out"
  else
    result "secrets and stores ($mode): create-secrets.sh and stores.sh run" 1 "$work/out"
  fi
done

# 3. Monitoring.
python3 -m json.tool "$here/monitoring/grafana-dashboard.json" >/dev/null 2>"$work/out"
result "grafana-dashboard.json is valid JSON" $? "$work/out"
bash "$here/monitoring/dashboard-configmap.sh" --check >"$work/out" 2>&1
result "grafana-dashboard-configmap.yaml is up to date" $? "$work/out"

if command -v promtool >/dev/null; then
  # The PrometheusRule's groups as a plain rule file; the dashboard's queries as recording rules (variables
  # replaced by sample values) so that promtool parses every expression.
  python3 - "$here" "$work" <<'PY'
import json, sys, yaml
k8s, work = sys.argv[1:]
rule = yaml.safe_load(open(f"{k8s}/monitoring/prometheus-rules.yaml"))
yaml.safe_dump({"groups": rule["spec"]["groups"]}, open(f"{work}/prometheus-rules.groups.yaml", "w"), sort_keys=False)
exprs = []
def walk(panels):
    for panel in panels:
        exprs.extend(t["expr"] for t in panel.get("targets", []))
        walk(panel.get("panels", []))
walk(json.load(open(f"{k8s}/monitoring/grafana-dashboard.json"))["panels"])
sample = lambda e: e.replace("$__rate_interval", "1m").replace("$namespace", "casework-x").replace("$service", ".*")
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": [
    {"record": f"dashboard:query{i}", "expr": sample(e)} for i, e in enumerate(exprs)]}]},
    open(f"{work}/dashboard-queries.yaml", "w"))
PY
  promtool check rules "$work/prometheus-rules.groups.yaml" >"$work/out" 2>&1
  result "prometheus-rules.yaml: promtool check rules" $? "$work/out"
  promtool check rules "$work/dashboard-queries.yaml" >"$work/out" 2>&1
  result "grafana-dashboard.json: every query parses" $? "$work/out"
  cp "$here/monitoring/prometheus-rules.test.yaml" "$work/"
  (cd "$work" && promtool test rules prometheus-rules.test.yaml) >"$work/out" 2>&1
  result "prometheus-rules.yaml: promtool test rules (each alert fires when it should, and only then)" $? "$work/out"
else
  echo "skip  PromQL checks and alert tests: promtool is not installed and could not be (needs root and apt-get;" \
    "Debian package prometheus)"
fi

for script in "$here/create-secrets.sh" "$here/stores.sh" "$here/check.sh" "$here/monitoring/dashboard-configmap.sh"; do
  bash -n "$script" >"$work/out" 2>&1
  result "bash -n ${script#"$repo"/}" $? "$work/out"
done

echo "k8s: $passed passed, $failed failed"
((failed == 0))
