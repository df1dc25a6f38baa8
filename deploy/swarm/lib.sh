# The Swarm deployment as its scripts see it: the stack's name, the images and their tag, where the
# generated secrets live, and the Docker engine made ready. Sourced, never run.
# shellcheck source-path=SCRIPTDIR source=../local/platform.sh
source "$(dirname "${BASH_SOURCE[0]}")/../local/platform.sh"

SWARM_DIR="$AGORA_ROOT/deploy/swarm"
STACK="${AGORA_STACK:-agora}"
# The data tier: `single` (one server of each kind) or `replicated` (stack.yml with replicated/*.yml).
SWARM_DATA="${AGORA_SWARM_DATA:-single}"
[[ "$SWARM_DATA" == single || "$SWARM_DATA" == replicated ]] ||
    die "AGORA_SWARM_DATA is '$SWARM_DATA': single or replicated"
export AGORA_SWARM_DATA="$SWARM_DATA"
# Images are tagged with the commit they were built from (and -dirty for uncommitted changes), so a
# deployment names exactly what runs; the stack file takes the tag from AGORA_TAG.
AGORA_TAG="$(git -C "$AGORA_ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo dev)"
if [[ -n "$(git -C "$AGORA_ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then AGORA_TAG+="-dirty"; fi
AGORA_COMMIT="$(git -C "$AGORA_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
export AGORA_TAG AGORA_COMMIT
# The secrets the stack is deployed with, generated once on this machine (mode 600).
SWARM_SECRETS="$AGORA_HOME/swarm/secrets"
SWARM_LOG="$AGORA_LOGS/swarm.log"
QUIET_LOG="$SWARM_LOG"
# The ports the stack publishes on each node: HAProxy's on the gateway's port of deploy/local/ports.env,
# the tools' on theirs, so the addresses are those of `make up` (and move the same way).
: "${HAPROXY_STATS_PORT:=8404}"
SWARM_PORT_VARS=(GATEWAY_PORT HAPROXY_STATS_PORT MAILPIT_UI_PORT JAEGER_UI_PORT JAEGER_OTLP_HTTP_PORT PROMETHEUS_PORT
    VICTORIALOGS_PORT RABBITMQ_UI_PORT)
export "${SWARM_PORT_VARS[@]}"
# The shop's "Local tools" page (GATEWAY_SHOP_TOOLS) links the tools the stack publishes.
AGORA_SHOP_TOOLS="Mailpit=http://localhost:$MAILPIT_UI_PORT,RabbitMQ=http://localhost:$RABBITMQ_UI_PORT"
AGORA_SHOP_TOOLS+=",Jaeger=http://localhost:$JAEGER_UI_PORT,Prometheus=http://localhost:$PROMETHEUS_PORT"
AGORA_SHOP_TOOLS+=",VictoriaLogs=http://localhost:$VICTORIALOGS_PORT/select/vmui,HAProxy=http://localhost:$HAPROXY_STATS_PORT/stats"
export AGORA_SHOP_TOOLS
# The Debian base every image starts from, made by debootstrap (images/base.sh).
BASE_IMAGE=agora/debian:bookworm
# The services of the stack that are Agora's own, each with its image agora/<name>.
SWARM_SERVICES=(auth product order mail gateway)
# Infrastructure images, each from images/<name>.Dockerfile.
SWARM_INFRA_IMAGES=(postgres redis kafka rabbitmq haproxy prometheus tools)
# The replicated data tier's own servers (replicated/*.yml), built only for it.
if [[ "$SWARM_DATA" == replicated ]]; then SWARM_INFRA_IMAGES+=(patroni etcd); fi

# The Debian mirror of this machine's own apt sources: images install from where the machine does,
# and no mirror's address is written into the repository.
debian_mirror() {
    local uri
    uri="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null |
        grep -v -- '-security' | head -1)"
    [[ -n "$uri" ]] || uri="$(awk '$1 == "deb" && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
    [[ -n "$uri" ]] || die "no Debian mirror found in /etc/apt/sources.list(.d); images install from it"
    echo "${uri%/}"
}

dockerd_running() { docker info >/dev/null 2>&1; }
# Images are built with BuildKit (cache mounts keep the build stage's build folder and ccache).
export DOCKER_BUILDKIT=1

# The Debian engine's own client: it builds with BuildKit built in, where another docker client found
# first on the PATH may need a buildx plugin this machine lacks.
docker() {
    if [[ -x /usr/bin/docker ]]; then /usr/bin/docker "$@"; else command docker "$@"; fi
}
