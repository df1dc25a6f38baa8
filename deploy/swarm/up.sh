#!/usr/bin/env bash
# `make swarm-up`: installs what is missing (Docker among it), starts dockerd if none runs, makes this
# machine a one-node swarm if it is in none, builds the images, deploys stack.yml as the stack `agora`,
# waits until every task is healthy and prints where everything is. A second run changes only what
# changed (new images roll out one task at a time).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

started_at=$SECONDS
: "${AGORA_SWARM_WAIT:=300}"

start_dockerd() {
    dockerd_running && return
    command -v dockerd >/dev/null || die "dockerd is missing (deploy/local/install.sh --swarm installs Debian's Docker engine)"
    step "Starting dockerd (its log: $AGORA_LOGS/dockerd.log)"
    mkdir -p "$AGORA_LOGS"
    # No init system runs here to start it: dockerd runs in its own session, outliving this script.
    # Without the userland proxy, published ports are reached through the kernel's NAT alone, also
    # from this machine's loopback address, instead of through a docker-proxy process copying every
    # byte (docs/operations.md, "Docker Swarm").
    setsid dockerd --userland-proxy=false >>"$AGORA_LOGS/dockerd.log" 2>&1 </dev/null &
    local i
    for ((i = 0; i < 60; i++)); do
        dockerd_running && { ok "dockerd answers"; return; }
        sleep 1
    done
    tail -n 20 "$AGORA_LOGS/dockerd.log" | sed 's/^/    | /' >&2
    die "dockerd did not answer within 60 s"
}

join_swarm() {
    local state
    state="$(docker info --format '{{.Swarm.LocalNodeState}}')"
    if [[ "$state" != active ]]; then
        step "Making this machine a one-node swarm"
        quietly "docker swarm init" docker swarm init --advertise-addr 127.0.0.1 || die "docker swarm init failed"
    fi
    [[ "$(docker info --format '{{.Swarm.ControlAvailable}}')" == true ]] ||
        die "this machine is a swarm worker; run make swarm-up on a manager"
    # The stateful servers are placed on nodes labelled agora.data=true; a one-node swarm is its own.
    if [[ "$(docker node ls --format '{{.ID}}' | wc -l)" == 1 ]]; then
        docker node update --label-add agora.data=true "$(docker info --format '{{.Swarm.NodeID}}')" >/dev/null
    fi
}

# The stack's secrets, made once on this machine and kept in $SWARM_SECRETS (mode 600): Swarm gives
# each task only those its service names, as files under /run/secrets.
make_secrets() {
    mkdir -p "$SWARM_SECRETS"
    chmod 700 "$SWARM_SECRETS"
    local dir="$SWARM_SECRETS"
    (
        umask 077
        [[ -s "$dir/jwt-ed25519.pem" ]] || openssl genpkey -algorithm ed25519 -out "$dir/jwt-ed25519.pem"
        local name
        for name in internal-key code-pepper admin-password postgres-password rabbitmq-password rabbitmq-cookie \
            postgres-superuser-password postgres-replication-password; do
            [[ -s "$dir/$name" ]] || random_hex 32 "$dir/$name"
        done
        [[ -s "$dir/rabbitmq-user" ]] || printf agora >"$dir/rabbitmq-user"
        printf 'amqp://%s:%s@rabbitmq:5672/' "$(cat "$dir/rabbitmq-user")" "$(cat "$dir/rabbitmq-password")" >"$dir/amqp-url"
        # The replicated tier's three RabbitMQ nodes (replicated/rabbitmq.yml), tried in turn.
        printf 'amqp://%s:%s@rabbitmq:5672,rabbitmq-2:5672,rabbitmq-3:5672/' "$(cat "$dir/rabbitmq-user")" \
            "$(cat "$dir/rabbitmq-password")" >"$dir/amqp-cluster-url"
        for name in auth product order mail; do
            printf 'postgresql://agora:%s@postgres:5432/agora_%s' "$(cat "$dir/postgres-password")" "$name" \
                >"$dir/$name-database-url"
        done
        # The replicated tier's router answers queries that may lag on port 5433 (replicated/postgres.yml), in
        # read-only sessions, so that a query lost with its replica is sent again (libs/pg/read_only.hpp).
        for name in auth product order; do
            printf 'postgresql://agora:%s@postgres:5433/agora_%s?options=-c%%20default_transaction_read_only%%3Don' \
                "$(cat "$dir/postgres-password")" "$name" >"$dir/$name-database-replica-url"
        done
    )
}

# Files the stack takes as configs that are made here: Jaeger's, rendered from the local platform's
# template with its listeners on every interface of the container.
make_configs() {
    mkdir -p "$AGORA_HOME/swarm/etc"
    # Inside its container Jaeger listens on the ports stack.yml publishes (as JAEGER_UI_PORT and
    # JAEGER_OTLP_HTTP_PORT) and the services send to, wherever those variables move them on the node.
    JAEGER_UI_PORT=16686 JAEGER_OTLP_HTTP_PORT=4318 render "$DEPLOY_DIR/etc/jaeger.yaml" | sed 's/127\.0\.0\.1/0.0.0.0/g' >"$AGORA_HOME/swarm/etc/jaeger.yaml"
    # A Swarm config cannot change: each is named by the hash of all of them, so a change deploys new ones.
    AGORA_CONFIG_HASH="$(cat "$SWARM_DIR/etc/"* "$AGORA_ROOT/deploy/prometheus/rules/agora.yml" \
        "$AGORA_HOME/swarm/etc/jaeger.yaml" | sha256sum | cut -c1-12)"
}

check_ports() {
    local var port
    for var in "${SWARM_PORT_VARS[@]}"; do
        port="${!var}"
        # A port the stack already publishes is ours; any other listener is in the way.
        if port_open "$port" && ! docker ps -q --filter "label=com.docker.stack.namespace=$STACK" \
            --filter "publish=$port" | grep -q .; then
            die "port $port ($var) is taken by another program (the local platform? make down stops it)"
        fi
    done
}

deploy() {
    step "Deploying the stack $STACK (images $AGORA_TAG)"
    export AGORA_SWARM_SECRETS="$SWARM_SECRETS" AGORA_SWARM_ETC="$AGORA_HOME/swarm/etc" AGORA_CONFIG_HASH AGORA_STACK="$STACK"
    local files=(-c stack.yml) file
    # The replicated data tier: each file of replicated/ turns one kind of server of stack.yml into a
    # cluster (docs/operations.md, "Docker Swarm").
    if [[ "$SWARM_DATA" == replicated ]]; then
        for file in "$SWARM_DIR"/replicated/*.yml; do [[ -e "$file" ]] && files+=(-c "replicated/${file##*/}"); done
    fi
    # A compose file merged on top of stack.yml changes settings without editing it (bench/swarm-stack.yml).
    if [[ -n "${AGORA_SWARM_OVERRIDE:-}" ]]; then files+=(-c "$AGORA_SWARM_OVERRIDE"); fi
    (cd "$SWARM_DIR" && quietly "docker stack deploy" docker stack deploy --prune --resolve-image never "${files[@]}" "$STACK") ||
        die "docker stack deploy failed"
}

main() {
    "$DEPLOY_DIR/install.sh" --swarm
    start_dockerd
    join_swarm
    make_secrets
    make_configs
    if [[ -n "${AGORA_SKIP_BUILD:-}" ]]; then
        warn "AGORA_SKIP_BUILD is set: deploying the images already tagged $AGORA_TAG"
    else
        "$SWARM_DIR/build.sh"
    fi
    check_ports
    deploy
    "$SWARM_DIR/status.sh" --wait "$AGORA_SWARM_WAIT" || die "the stack did not become healthy (make swarm-status; make swarm-logs S=<service>)"
    step "Agora runs on Docker Swarm ($((SECONDS - started_at))s)"
    "$SWARM_DIR/status.sh" --urls
}

main "$@"
