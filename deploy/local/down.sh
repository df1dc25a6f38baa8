#!/usr/bin/env bash
# `make down`: stops every program and supervisord. Data, logs and secrets stay in $AGORA_HOME.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

if ! supervisord_running; then
    ok "the platform is not running"
    exit 0
fi
pid="$(<"$AGORA_RUN/supervisord.pid")"
step "Stopping the programs"
# Services first, then what they depend on, each waiting for a clean shutdown.
order=()
for ((i = ${#AGORA_SERVICES[@]} - 1; i >= 0; i--)); do order+=("${AGORA_SERVICES[i]}"); done
for ((i = ${#AGORA_INFRA[@]} - 1; i >= 0; i--)); do order+=("${AGORA_INFRA[i]}"); done
for name in "${order[@]}"; do
    case "$(program_state "$name")" in
        RUNNING | STARTING | BACKOFF)
            printf '    stopping %s ... ' "$name"
            sv stop "$name" >/dev/null
            printf 'stopped\n'
            ;;
    esac
done
step "Stopping supervisord (pid $pid)"
sv shutdown >/dev/null
start=$SECONDS
while kill -0 "$pid" 2>/dev/null; do
    ((SECONDS - start < 60)) || die "supervisord (pid $pid) is still running after 60s; see $AGORA_LOGS/supervisord.log"
    sleep 0.2
done
ok "stopped; data kept in $AGORA_DATA (make up starts it again)"
