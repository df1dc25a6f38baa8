#!/usr/bin/env bash
# Checks the Prometheus side of the platform with promtool (from the `prometheus` Debian package):
# the rules parse and pass their unit tests, and the local platform's rendered configuration is valid.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
command -v promtool >/dev/null || {
    echo "promtool is missing: the Debian package prometheus (deploy/local/packages.txt; make install)" >&2
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
