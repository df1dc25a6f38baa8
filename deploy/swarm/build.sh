#!/usr/bin/env bash
# Builds every image of the stack, tagged agora/<name>:$AGORA_TAG (the commit): the Debian base
# (images/base.sh), Agora's five services (images/services.Dockerfile, from the sources) and the servers
# beside them (images/infra.Dockerfile, from Debian packages and the tools the install step fetched).
# Layers are cached and the build stage keeps its build folder and ccache, so after a change to the
# sources only what changed is compiled. Output goes to $AGORA_LOGS/swarm.log, one line per image here.
# `build.sh services` or `build.sh infra` builds only those; `build.sh infra <name>...` only the servers named.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${JOBS:=2}"
"$SWARM_DIR/images/base.sh"

# build_image <name> <dockerfile> <context> : one target of a Dockerfile, tagged agora/<name>:$AGORA_TAG.
# A long build (the first compile) shows the compiler's progress every half minute.
build_image() {
    local name="$1" file="$2" context="$3" start=$SECONDS pid rc=0 shown=$SECONDS progress
    printf '    %-12s ' "$name"
    quietly "docker build $name" docker build --network host --progress plain \
        -f "$file" --target "$name" --build-arg "BASE=$BASE_IMAGE" --build-arg "AGORA_COMMIT=$AGORA_COMMIT" \
        --build-arg "JOBS=$JOBS" -t "agora/$name:$AGORA_TAG" "$context" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        sleep 2
        if ((SECONDS - shown >= 30)); then
            progress="$(tail -n 50 "$QUIET_LOG" | grep -o '\[[0-9]*/[0-9]*\] Building' | tail -1 | cut -d' ' -f1 || true)"
            printf '\n    %-12s still building (%ds)%s ' "" $((SECONDS - start)) "${progress:+, compiled $progress}"
            shown=$SECONDS
        fi
    done
    wait "$pid" || rc=$?
    ((rc == 0)) || die "building the image agora/$name failed"
    printf '%s%s%s (%ds)\n' "$C_OK" "agora/$name:$AGORA_TAG" "$C_OFF" $((SECONDS - start))
}

what="${1:-all}"
if [[ "$what" == infra && $# -gt 1 ]]; then SWARM_INFRA_IMAGES=("${@:2}"); fi
if [[ "$what" == all || "$what" == services ]]; then
    step "Building Agora's images (tag $AGORA_TAG; the first build compiles everything, 15-25 min on 2 cores)"
    for name in "${SWARM_SERVICES[@]}"; do
        build_image "$name" "$SWARM_DIR/images/services.Dockerfile" "$AGORA_ROOT"
    done
fi
[[ "$what" == all || "$what" == infra ]] || exit 0

# The servers' context: this folder's scripts and the tools of the install step (hard links when they
# can be, so nothing large is copied).
context="$AGORA_HOME/swarm/context"
rm -rf "$context"
mkdir -p "$context/bin" "$context/kafka"
for f in apt-pinned versions.txt postgres-entrypoint postgres-databases patroni-entrypoint rabbitmq-entrypoint kafka-entrypoint; do
    cp "$SWARM_DIR/images/$f" "$context/"
done
cp "$SWARM_DIR/images/redis-cluster" "$context/"
cp "$DEPLOY_DIR/etc/kafka-log4j2.properties" "$DEPLOY_DIR/etc/kafka-metrics.yaml" "$context/"
for tool in mailpit jaeger victoria-logs; do
    [[ -x "$AGORA_BIN/$tool" ]] || die "$AGORA_BIN/$tool is missing: run make install"
    cp -l "$AGORA_BIN/$tool" "$context/bin/" 2>/dev/null || cp "$AGORA_BIN/$tool" "$context/bin/"
done
[[ -d "$KAFKA_LIBS" ]] || die "$KAFKA_LIBS is missing: run make install"
cp -rl "$KAFKA_LIBS" "$context/kafka/libs" 2>/dev/null || cp -r "$KAFKA_LIBS" "$context/kafka/libs"
cp -rl "$(dirname "$KAFKA_AGENT_JAR")" "$context/kafka/agent" 2>/dev/null || cp -r "$(dirname "$KAFKA_AGENT_JAR")" "$context/kafka/agent"

step "Building the servers' images"
for name in "${SWARM_INFRA_IMAGES[@]}"; do
    build_image "$name" "$SWARM_DIR/images/infra.Dockerfile" "$context"
done
