#!/usr/bin/env bash
# End-to-end journeys through the gateway against the whole platform, started by deploy/local/up.sh
# from the debug build in a temporary AGORA_HOME on ports of its own (a running `make up` is left
# alone), then stopped and deleted. Arguments go to pytest: `tests/e2e/run.sh -k crash`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

export AGORA_HOME
AGORA_HOME="$(mktemp -d /tmp/agora-e2e.XXXXXX)"
chmod 755 "$AGORA_HOME"
export AGORA_BUILD_DIR="${AGORA_BUILD_DIR:-$ROOT/build/debug}" AGORA_SKIP_BUILD=1
export GATEWAY_PORT=28000 PRODUCT_PORT=28001 AUTH_PORT=28002 ORDER_PORT=28003 MAIL_PORT=28004 GATEWAY_METRICS_PORT=28005
export POSTGRES_PORT=25432 REDIS_PORT=26379 RABBITMQ_PORT=25673 RABBITMQ_DIST_PORT=26673 RABBITMQ_UI_PORT=25674
export MAILPIT_SMTP_PORT=21025 MAILPIT_UI_PORT=28025 SUPERVISOR_PORT=29001 KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093
export PROMETHEUS_PORT=29090 ALERTMANAGER_PORT=29095 JAEGER_UI_PORT=26686 JAEGER_QUERY_GRPC_PORT=26685 JAEGER_OTLP_GRPC_PORT=24317
export JAEGER_OTLP_HTTP_PORT=24318 JAEGER_HEALTH_PORT=23133 JAEGER_METRICS_PORT=28888 VICTORIALOGS_PORT=29428
export PG_EXPORTER_PORT=29187 REDIS_EXPORTER_PORT=29121 RABBITMQ_METRICS_PORT=25692 KAFKA_METRICS_PORT=27071
# A port mapper of its own too: RabbitMQ's node name is the same on both platforms, and one mapper holds a
# name once.
export EPMD_PORT=24369
# Every port of ports.env must be moved above, or this platform would clash with a running `make up`.
for port_var in $(sed -n 's/^: "${\([A-Z0-9_]*_PORT\):=.*/\1/p' "$ROOT/deploy/local/ports.env"); do
    [[ -n "${!port_var:-}" ]] || {
        echo "tests/e2e/run.sh: $port_var of deploy/local/ports.env has no end-to-end value" >&2
        exit 1
    }
done
# One address signs up many users here; the gateway's rate limits have their own tests.
export GATEWAY_AUTH_RATE_BURST=10000
# Stock the order service could not release while the product service was down (the crash tests) is
# released by the product service's expiry check after the hold: 20 s, not 10 minutes. (The test of an
# order caught by a crash runs the order service with the default hold.)
export ORDER_RESERVATION_HOLD_S=20
# Sanitizer builds: leaks at exit are reported by the unit tests, not here.
export ASAN_OPTIONS=detect_leaks=0

cleanup() {
    local rc=$?
    "$ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true
    ERL_EPMD_PORT="$EPMD_PORT" epmd -kill >/dev/null 2>&1 || true
    if ((rc != 0)); then
        echo "--- end-to-end failed; last lines of each log:" >&2
        for log in "$AGORA_HOME"/logs/*.log; do
            [[ -f "$log" ]] || continue
            echo "--- $log" >&2
            tail -n 20 "$log" >&2
        done
    fi
    rm -rf "$AGORA_HOME"
    exit "$rc"
}
trap cleanup EXIT

# Tools built once by the install step are shared, not rebuilt.
mkdir -p "$ROOT/.agora/bin"
ln -sfn "$ROOT/.agora/bin" "$AGORA_HOME/bin"
# Likewise the virtualenv of pytest and Schemathesis (deploy/local/python-tools.txt).
mkdir -p "$ROOT/.agora/python"
ln -sfn "$ROOT/.agora/python" "$AGORA_HOME/python"
# And the npm tools (axe-core, which the storefront's journeys run in the browser).
mkdir -p "$ROOT/.agora/node"
ln -sfn "$ROOT/.agora/node" "$AGORA_HOME/node"

"$ROOT/deploy/local/up.sh"

AGORA_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" AGORA_MAILPIT_URL="http://127.0.0.1:$MAILPIT_UI_PORT" \
    "$AGORA_HOME/python/bin/python" -m pytest -q -p no:cacheprovider "$ROOT/tests/e2e" "$@"
