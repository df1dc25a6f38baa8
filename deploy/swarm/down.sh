#!/usr/bin/env bash
# `make swarm-down`: removes the stack (its services, network, configs and secrets) and waits until its
# containers are gone. The volumes stay, so the data is there at the next make swarm-up; the swarm and
# dockerd keep running.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

dockerd_running || { ok "dockerd is not running: no stack to remove"; exit 0; }
# stack_objects : everything Swarm holds under the stack's name; the network, configs and secrets can
# outlive its services (removed one by one, say), and `docker stack rm` removes those too.
stack_objects() {
    local kind
    for kind in service network config secret; do
        docker "$kind" ls -q --filter "label=com.docker.stack.namespace=$STACK"
    done
}
if [[ -z "$(stack_objects)" ]]; then
    ok "no stack $STACK deployed"
    exit 0
fi
step "Removing the stack $STACK (volumes are kept)"
docker stack rm "$STACK" >/dev/null
for ((i = 0; i < 60; i++)); do
    if [[ -z "$(docker ps -aq --filter "label=com.docker.stack.namespace=$STACK")" ]] &&
        [[ -z "$(docker network ls -q --filter "label=com.docker.stack.namespace=$STACK")" ]]; then
        ok "removed"
        exit 0
    fi
    sleep 1
done
die "containers of the stack $STACK are still there after 60 s (docker ps)"
