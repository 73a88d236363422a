#!/usr/bin/env bash
# Writes grafana-dashboard-configmap.yaml from grafana-dashboard.json (the source: edit the dashboard in Grafana,
# export it as JSON over grafana-dashboard.json, run this). With --check, only says whether the ConfigMap is
# up to date (k8s/check.sh runs that).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
json="$here/grafana-dashboard.json"
out="$here/grafana-dashboard-configmap.yaml"

render() {
  cat <<'YAML'
# GENERATED from grafana-dashboard.json by dashboard-configmap.sh: edit the JSON, then run the script.
#
# The dashboard as a ConfigMap for Grafana's dashboard sidecar (kube-prometheus-stack and the grafana chart with
# sidecar.dashboards.enabled): the sidecar loads every ConfigMap labelled grafana_dashboard=1 from the namespaces it
# watches (sidecar.dashboards.searchNamespace; by default Grafana's own), so apply it there:
#   kubectl -n monitoring apply -f k8s/monitoring/grafana-dashboard-configmap.yaml
# Without the sidecar, import grafana-dashboard.json in Grafana (Dashboards > New > Import) and pick the Prometheus
# data source. The dashboard covers every region: pick one with its "Region" variable (namespaces casework-*).
apiVersion: v1
kind: ConfigMap
metadata:
  name: casework-grafana-dashboard
  labels:
    app.kubernetes.io/part-of: casework
    grafana_dashboard: "1"
  annotations:
    # The folder, for sidecars started with folderAnnotation: grafana_folder (kube-prometheus-stack's default).
    grafana_folder: Casework
data:
  casework-region.json: |
YAML
  sed 's/^/    /' "$json"
}

if [[ ${1:-} == --check ]]; then
  if ! diff -q <(render) "$out" >/dev/null 2>&1; then
    echo "k8s/monitoring/grafana-dashboard-configmap.yaml is not up to date with grafana-dashboard.json:" \
      "run k8s/monitoring/dashboard-configmap.sh" >&2
    exit 1
  fi
  exit 0
fi
render >"$out"
echo "wrote ${out#"$here"/}" >&2
