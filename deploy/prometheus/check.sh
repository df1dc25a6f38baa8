#!/usr/bin/env bash
# Checks the Prometheus side of the platform with promtool and amtool (Debian packages prometheus and
# prometheus-alertmanager): the rules parse and pass their unit tests, and the local platform's rendered
# Prometheus and Alertmanager configurations are valid.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
command -v promtool >/dev/null || {
    echo "promtool is missing: the Debian package prometheus (deploy/local/packages.txt; make install)" >&2
    exit 1
}
command -v amtool >/dev/null || {
    echo "amtool is missing: the Debian package prometheus-alertmanager (deploy/local/packages.txt; make install)" >&2
    exit 1
}
promtool check rules "$HERE"/rules/*.yml
promtool test rules "$HERE"/tests/*.yml

# The configuration as deploy/local/up.sh renders it, in a throw-away AGORA_HOME.
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
AGORA_HOME="$home" bash -c 'source "$1/deploy/local/platform.sh" && render "$DEPLOY_DIR/etc/prometheus.yml"' _ "$ROOT" \
    >"$home/prometheus.yml"
promtool check config "$home/prometheus.yml"

# Alertmanager's configuration as rendered for the local platform: the receiver Prometheus's alerts go to.
AGORA_HOME="$home" bash -c 'source "$1/deploy/local/platform.sh" && render "$DEPLOY_DIR/etc/alertmanager.yml"' _ "$ROOT" \
    >"$home/alertmanager.yml"
amtool check-config "$home/alertmanager.yml"
