#!/usr/bin/env bash
# `make swarm-status`: every service of the stack with its tasks running against those wanted, and the
# state of each task. --wait <seconds> waits until every service has all its tasks running and healthy
# (Swarm counts a task with a health check as running only once it is healthy), naming each as it gets
# there, and until no Kafka or RabbitMQ node is still forming its cluster; --urls prints where everything is.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# service_replicas : "<service> <running>/<wanted>" for each service of the stack.
service_replicas() {
    docker service ls --filter "label=com.docker.stack.namespace=$STACK" --format '{{.Name}} {{.Replicas}}' |
        sed "s/^${STACK}_//" | awk '{ split($2, r, "/"); print $1, r[1] + 0, r[2] + 0 }'
}

# cold_starting : the containers of the stack on this node that count as healthy only so that their names
# resolve while their cluster forms (Kafka's and RabbitMQ's entrypoints: /tmp/<server>-cold-start), and
# are not ready yet.
cold_starting() {
    local id name
    while read -r id name; do
        name="${name#"${STACK}_"}"
        docker exec "$id" sh -c 'ls /tmp/*-cold-start' >/dev/null 2>&1 && echo "${name%%.*}"
    done < <(docker ps --filter "label=com.docker.stack.namespace=$STACK" --format '{{.ID}} {{.Names}}' |
        grep -E ' [^ ]*_(kafka|rabbitmq)(-[0-9]+)?\.' || true)
}

wait_healthy() {
    local limit="$1" start=$SECONDS name running wanted pending
    declare -A shown=()
    step "Waiting for every task to be healthy (at most ${limit}s)"
    while :; do
        pending=()
        while read -r name running wanted; do
            if ((wanted > 0 && running >= wanted)); then
                [[ -n "${shown[$name]:-}" ]] || { ok "$(printf '%-13s %d/%d healthy (%ds)' "$name" "$running" "$wanted" $((SECONDS - start)))"; shown[$name]=1; }
            else
                pending+=("$name $running/$wanted")
            fi
        done < <(service_replicas)
        if ((${#shown[@]} > 0 && ${#pending[@]} == 0)); then
            mapfile -t pending < <(cold_starting)
            ((${#pending[@]} == 0)) && return 0
            [[ -n "${shown[cold]:-}" ]] || { info "healthy while their cluster forms, not ready yet: ${pending[*]}"; shown[cold]=1; }
        fi
        if ((SECONDS - start >= limit)); then
            warn "not healthy after ${limit}s: ${pending[*]}"
            show_tasks
            return 1
        fi
        sleep 2
    done
}

show_tasks() {
    docker service ps --filter desired-state=running --format '{{.Name}}\t{{.CurrentState}}\t{{.Error}}' \
        $(docker service ls -q --filter "label=com.docker.stack.namespace=$STACK") 2>/dev/null | sed 's/^/    /'
}

show_urls() {
    printf '    %-12s %shttp://localhost:%s/%s  (the shop, through HAProxy and the gateways)\n' "Start here" "$C_OK" "$GATEWAY_PORT" "$C_OFF"
    printf '    %-12s http://localhost:%s/docs\n' "API" "$GATEWAY_PORT"
    printf '    %-12s http://localhost:%s/stats  (metrics on /metrics)\n' "HAProxy" "$HAPROXY_STATS_PORT"
    printf '    %-12s http://localhost:%s\n' "Mailpit" "$MAILPIT_UI_PORT"
    printf '    %-12s http://localhost:%s\n' "Jaeger" "$JAEGER_UI_PORT"
    printf '    %-12s http://localhost:%s\n' "Prometheus" "$PROMETHEUS_PORT"
    printf '    %-12s http://localhost:%s/select/vmui\n' "VictoriaLogs" "$VICTORIALOGS_PORT"
    printf '    %-12s http://localhost:%s  (user and password in %s/rabbitmq-user, rabbitmq-password)\n' \
        "RabbitMQ" "$RABBITMQ_UI_PORT" "$SWARM_SECRETS"
    printf '    %-12s admin@agora.local, password in %s/admin-password\n' "Admin" "$SWARM_SECRETS"
}

dockerd_running || die "dockerd is not running (make swarm-up starts it)"
case "${1:-}" in
    --wait) wait_healthy "${2:-300}" ;;
    --urls) show_urls ;;
    "")
        step "Stack $STACK (images $(docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "${STACK}_gateway" 2>/dev/null | sed 's/@.*//' || echo none))"
        service_replicas | awk '{ printf "    %-13s %d/%d%s\n", $1, $2, $3, ($2 < $3 ? "   (not all running)" : "") }'
        step "Tasks"
        show_tasks
        ;;
    *) die "usage: status.sh [--wait <seconds> | --urls]" ;;
esac
