#!/usr/bin/env bash
# `make swarm-test`: deploys the stack as `agora-test` with deploy/swarm/up.sh (images built from this
# checkout), runs the end-to-end suite against it through HAProxy on port 8000, then the resilience
# tests of this folder (tasks killed and services updated under load; results into docs/resilience.md),
# and removes the stack with its volumes at the end, also when a test failed. Arguments go to pytest
# of this folder: `tests/swarm/run.sh -k rolling`. AGORA_SWARM_E2E=0 skips the end-to-end suite;
# AGORA_SWARM_KEEP=1 leaves the stack running afterwards (deploy/swarm/down.sh with AGORA_STACK=agora-test
# removes it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# AGORA_TEST_STACK names the stack (another test stack may run beside, on other ports and subnet).
export AGORA_STACK="${AGORA_TEST_STACK:-agora-test}"
# One address signs up many users and sends the load here; the gateway's rate limits have their own tests.
export AGORA_AUTH_RATE_BURST=10000 AGORA_API_RATE_PER_S=100000 AGORA_API_RATE_BURST=100000
source "$ROOT/deploy/swarm/lib.sh"

cleanup() {
    local rc=$?
    if ((rc != 0)) && dockerd_running; then
        echo "--- swarm tests failed; the stack's tasks and the last lines of each service's log:" >&2
        "$SWARM_DIR/status.sh" >&2 || true
        for svc in "${SWARM_SERVICES[@]}" haproxy postgres kafka rabbitmq; do
            echo "--- $svc" >&2
            docker service logs --tail 15 "${STACK}_$svc" 2>&1 | tail -n 15 >&2 || true
        done
    fi
    if [[ -n "${AGORA_SWARM_KEEP:-}" ]]; then
        warn "AGORA_SWARM_KEEP is set: the stack $STACK stays"
        exit "$rc"
    fi
    "$SWARM_DIR/down.sh" || true
    # The test's data goes with it (make swarm-down keeps a user's volumes; these are the test's own).
    docker volume ls -q --filter "label=com.docker.stack.namespace=$STACK" | xargs -r docker volume rm >/dev/null 2>&1 || true
    exit "$rc"
}
trap cleanup EXIT

"$SWARM_DIR/up.sh"

export AGORA_GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" AGORA_MAILPIT_URL="http://127.0.0.1:$MAILPIT_UI_PORT"
export AGORA_E2E_TARGET=swarm
AGORA_ADMIN_PASSWORD="$(cat "$SWARM_SECRETS/admin-password")"
export AGORA_ADMIN_PASSWORD
python="$AGORA_HOME/python/bin/python"
if [[ "${AGORA_SWARM_E2E:-1}" != 0 ]]; then
    step "End-to-end suite against the stack (through HAProxy on port $GATEWAY_PORT)"
    "$python" -m pytest -q -p no:cacheprovider "$ROOT/tests/e2e"
fi
step "Resilience under load: killed tasks, rolling updates"
"$python" -m pytest -q -p no:cacheprovider -s "$ROOT/tests/swarm" "$@"
