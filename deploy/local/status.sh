#!/usr/bin/env bash
# `make status`: what supervisor runs, then whether each program answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

if ! supervisord_running; then
    warn "the platform is not running (make up starts it)"
    exit 3
fi
step "Programs (supervisord pid $(<"$AGORA_RUN/supervisord.pid"))"
sv status | sed 's/^/    /' || true
step "Health"
healthy=1
line() { printf '    %-14s %-7s %s\n' "$1" "$2" "$3"; }
check() {
    local name="$1" where="$2"
    if is_ready "$name"; then
        line "$name" "${C_OK}up${C_OFF}" "$where"
    else
        line "$name" "${C_ERR}down${C_OFF}" "$where  (log: $AGORA_LOGS/$name.log)"
        healthy=0
    fi
}
for name in "${AGORA_INFRA[@]}"; do
    if grep -q "^\[program:$name\]" "$SUPERVISOR_CONF"; then
        check "$name" "$(infra_address "$name")"
    else
        line "$name" "-" "left out when make up last ran"
    fi
done
for svc in "${AGORA_SERVICES[@]}"; do
    # A service is part of the platform once `make up` found its binary and gave it to supervisor.
    if grep -q "^\[program:$svc\]" "$SUPERVISOR_CONF"; then
        where="http://localhost:$(service_port "$svc")/health"
        [[ "$svc" == gateway ]] && where+=", metrics $(service_metrics_url gateway)"
        check "$svc" "$where"
    else
        line "$svc" "-" "not built when make up last ran"
    fi
done
((healthy)) || exit 1
