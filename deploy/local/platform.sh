# The local platform as the deploy/local scripts see it: where things live, which programs run,
# how each one is known to be ready. Sourced, never run.
#
# To add a program (Kafka, Prometheus, ...): add its name to AGORA_INFRA or AGORA_SERVICES below,
# write deploy/local/programs/<name>.conf (a supervisor section, @NAME@ tokens filled by render),
# add its port to ports.env, and for infrastructure write ready_<name> and infra_address here
# (and prepare_<name> in up.sh if it needs files made before its first start).

AGORA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEPLOY_DIR="$AGORA_ROOT/deploy/local"
: "${AGORA_HOME:=$AGORA_ROOT/.agora}"
mkdir -p "$AGORA_HOME"
AGORA_HOME="$(cd "$AGORA_HOME" && pwd)"
export AGORA_HOME

# shellcheck source=ports.env
source "$DEPLOY_DIR/ports.env"

AGORA_BIN="$AGORA_HOME/bin"
AGORA_DATA="$AGORA_HOME/data"
AGORA_LOGS="$AGORA_HOME/logs"
AGORA_RUN="$AGORA_HOME/run"
AGORA_ETC="$AGORA_HOME/etc"
AGORA_SECRETS="$AGORA_HOME/secrets"
# Holds the programs' settings, passwords among them: mode 600, like the secrets.
SUPERVISOR_CONF="$AGORA_HOME/supervisord.conf"
# supervisorctl talks to supervisord over a Unix socket only its owner may open; the web page on
# SUPERVISOR_PORT asks for this user and the password in SUPERVISOR_PASSWORD_FILE (made by up.sh), and
# the rendered configuration holds only the password's SHA-1.
SUPERVISOR_USER=agora
SUPERVISOR_PASSWORD_FILE="$AGORA_SECRETS/supervisor-password"
SUPERVISOR_PASSWORD_SHA1=""
BUILD_DIR="${AGORA_BUILD_DIR:-$AGORA_ROOT/build/release}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
RABBITMQ_LIB="${RABBITMQ_LIB:-/usr/lib/rabbitmq/bin}"
: "${AGORA_LOG_LEVEL:=info}"
: "${AGORA_THREADS:=1}"
# Sign-up and login requests a client address may burst at the gateway (the end-to-end suite, one
# address signing up many users, raises it).
: "${GATEWAY_AUTH_RATE_BURST:=30}"
# The load scenarios of `make bench` turn the rate limits off and route with a table of their own
# (empty: the built-in routes.conf).
: "${GATEWAY_RATE_LIMITS:=true}"
: "${GATEWAY_ROUTES_FILE:=}"
# How long stock stays held for an order being placed (docs/adr/0006). An order left half-placed by a
# crash is resolved after half of it; the crash tests of the end-to-end suite shorten it.
: "${ORDER_RESERVATION_HOLD_S:=600}"
# PostgreSQL refuses to run as root; when we are root it runs as the Debian `postgres` user.
if [[ $EUID -eq 0 ]]; then PG_USER=postgres; else PG_USER="$(id -un)"; fi

# Infrastructure, in start order: the servers, then observability (exporters, logs, traces, metrics).
AGORA_INFRA=(postgres redis kafka rabbitmq mailpit pg_exporter redis_exporter victorialogs jaeger alertmanager prometheus)
# Observability programs a platform may do without: AGORA_LEAVE_OUT="jaeger victorialogs" leaves them out
# (the services then get empty endpoints and send no traces or logs).
AGORA_OPTIONAL=(pg_exporter redis_exporter victorialogs jaeger alertmanager prometheus)
: "${AGORA_LEAVE_OUT:=}"
for _name in $AGORA_LEAVE_OUT; do
    if [[ " ${AGORA_OPTIONAL[*]} " != *" $_name "* ]]; then
        echo "AGORA_LEAVE_OUT: $_name cannot be left out (only ${AGORA_OPTIONAL[*]})" >&2
        exit 1
    fi
    for _i in "${!AGORA_INFRA[@]}"; do [[ "${AGORA_INFRA[_i]}" == "$_name" ]] && unset 'AGORA_INFRA[_i]'; done
done
AGORA_INFRA=("${AGORA_INFRA[@]}")
unset _name _i
# Services, in start order (the gateway last). A service runs when its binary is built.
AGORA_SERVICES=(auth product order mail gateway)
# One database per service, all owned by the `agora` role.
AGORA_DATABASES=(agora_auth agora_product agora_order agora_mail)
DB_ROLE=agora
DB_PASSWORD=agora
ADMIN_EMAIL=admin@agora.local
ADMIN_PASSWORD=admin-password
# The Kafka topics the services use (docs/architecture.md, Events), each with KAFKA_PARTITIONS partitions.
KAFKA_TOPICS=(product-created product-updated product-deleted order-created order-cancelled)
KAFKA_PARTITIONS=3
KAFKA_LIBS="$AGORA_HOME/kafka/libs"
# The Prometheus JMX exporter's Java agent, which serves the broker's metrics on KAFKA_METRICS_PORT.
KAFKA_AGENT_JAR="$AGORA_HOME/kafka/agent/jmx_prometheus_javaagent.jar"
# Where the services send traces (OTLP over HTTP, to Jaeger) and logs (to VictoriaLogs); empty when
# that server is left out.
if [[ " ${AGORA_INFRA[*]} " == *" jaeger "* ]]; then
    AGORA_OTLP_ENDPOINT="http://127.0.0.1:$JAEGER_OTLP_HTTP_PORT"
else
    AGORA_OTLP_ENDPOINT=""
fi
# Share of new traces recorded (0..1); a trace started upstream keeps its caller's decision.
: "${AGORA_TRACE_SAMPLE_RATIO:=1}"
if [[ " ${AGORA_INFRA[*]} " == *" victorialogs "* ]]; then
    AGORA_LOGS_ENDPOINT="http://127.0.0.1:$VICTORIALOGS_PORT"
else
    AGORA_LOGS_ENDPOINT=""
fi

# The pages of the local tools, linked from the shop's "Local tools" page (the gateway's GATEWAY_SHOP_TOOLS):
# those that run on this platform.
GATEWAY_SHOP_TOOLS="Mailpit=http://localhost:$MAILPIT_UI_PORT,RabbitMQ=http://localhost:$RABBITMQ_UI_PORT"
GATEWAY_SHOP_TOOLS+=",supervisor=http://localhost:$SUPERVISOR_PORT"
for _tool in "jaeger Jaeger $JAEGER_UI_PORT" "prometheus Prometheus $PROMETHEUS_PORT" \
    "alertmanager Alertmanager $ALERTMANAGER_PORT" "victorialogs VictoriaLogs $VICTORIALOGS_PORT/select/vmui"; do
    read -r _name _label _where <<<"$_tool"
    if [[ " ${AGORA_INFRA[*]} " == *" $_name "* ]]; then GATEWAY_SHOP_TOOLS+=",$_label=http://localhost:$_where"; fi
done
unset _tool _name _label _where

# Tokens that render replaces in templates: @NAME@ becomes the value of $NAME. Every port of
# ports.env is one.
RENDER_VARS=(AGORA_ROOT AGORA_HOME AGORA_BIN AGORA_DATA AGORA_LOGS AGORA_RUN AGORA_ETC AGORA_SECRETS
    BUILD_DIR PG_BIN PG_USER RABBITMQ_LIB AGORA_LOG_LEVEL AGORA_THREADS DB_ROLE DB_PASSWORD ADMIN_EMAIL
    ADMIN_PASSWORD GATEWAY_AUTH_RATE_BURST ORDER_RESERVATION_HOLD_S GATEWAY_RATE_LIMITS GATEWAY_ROUTES_FILE
    KAFKA_AGENT_JAR)
RENDER_VARS+=(AGORA_OTLP_ENDPOINT AGORA_LOGS_ENDPOINT AGORA_TRACE_SAMPLE_RATIO SUPERVISOR_USER SUPERVISOR_PASSWORD_SHA1)
RENDER_VARS+=(GATEWAY_SHOP_TOOLS)
mapfile -t -O "${#RENDER_VARS[@]}" RENDER_VARS < <(sed -n 's/^: "${\([A-Z0-9_]*\):=.*/\1/p' "$DEPLOY_DIR/ports.env")

# ---- messages ----------------------------------------------------------------------------------
if [[ -t 1 ]]; then
    C_STEP=$'\e[1;34m' C_OK=$'\e[32m' C_WARN=$'\e[33m' C_ERR=$'\e[1;31m' C_OFF=$'\e[0m'
else
    C_STEP='' C_OK='' C_WARN='' C_ERR='' C_OFF=''
fi
step() { printf '%s==>%s %s\n' "$C_STEP" "$C_OFF" "$*"; }
info() { printf '    %s\n' "$*"; }
ok() { printf '    %s%s%s\n' "$C_OK" "$*" "$C_OFF"; }
warn() { printf '    %snote:%s %s\n' "$C_WARN" "$C_OFF" "$*"; }
die() {
    printf '%serror:%s %s\n' "$C_ERR" "$C_OFF" "$*" >&2
    exit 1
}

# quietly <what> <command...> : runs the command with its output appended to the log QUIET_LOG (set
# by the script: install.log, swarm.log). When it fails, shows the log's last lines and its path, and
# returns the command's status.
quietly() {
    local what="$1" rc=0 start
    shift
    mkdir -p "$AGORA_LOGS"
    printf '\n==> %s (%s)\n' "$what" "$(date -u +%FT%TZ)" >>"$QUIET_LOG"
    start=$(($(wc -l <"$QUIET_LOG") + 1))
    "$@" >>"$QUIET_LOG" 2>&1 || rc=$?
    if ((rc != 0)); then
        tail -n "+$start" "$QUIET_LOG" | tail -n 25 | sed 's/^/    | /' >&2
        printf '    %s failed (exit %d); the whole output is in %s\n' "$what" "$rc" "$QUIET_LOG" >&2
    fi
    return $rc
}

# random_hex <bytes> <file> : that many random bytes as hexadecimal characters, in a file only its owner
# may read.
random_hex() {
    (umask 077 && od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n' >"$2")
}

# ---- templates ---------------------------------------------------------------------------------
# render <template> : prints the template with every @NAME@ of RENDER_VARS replaced.
render() {
    local template="$1" script="" name value
    for name in "${RENDER_VARS[@]}"; do
        value="${!name}"
        value="${value//\\/\\\\}"
        value="${value//|/\\|}"
        value="${value//&/\\&}"
        script+="s|@${name}@|${value}|g;"
    done
    local out
    out="$(sed -e "$script" "$template")"
    if grep -qE '@[A-Z_]+@' <<<"$out"; then
        die "$template uses a token render does not know: $(grep -oE '@[A-Z_]+@' <<<"$out" | head -1)"
    fi
    printf '%s\n' "$out"
}

# write_if_changed <file> [mode] : stdin replaces <file> only when it differs, so an unchanged
# configuration keeps its timestamp and nothing downstream sees a change. Returns 1 when unchanged.
# The file gets `mode` (644 by default) either way; it is written to a temporary file of mode 600 and
# renamed, so a file meant for its owner only is never readable by others, not even while written.
write_if_changed() {
    local file="$1" mode="${2:-644}" tmp
    tmp="$(mktemp "$file.XXXXXX")"
    cat >"$tmp"
    if [[ -f "$file" ]] && cmp -s "$tmp" "$file"; then
        rm -f "$tmp"
        chmod "$mode" "$file"
        return 1
    fi
    chmod "$mode" "$tmp"
    mv -f "$tmp" "$file"
}

# ---- supervisor --------------------------------------------------------------------------------
sv() { supervisorctl -c "$SUPERVISOR_CONF" "$@"; }

supervisord_running() {
    local pid
    [[ -f "$AGORA_RUN/supervisord.pid" ]] || return 1
    pid="$(<"$AGORA_RUN/supervisord.pid")"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# program_state <name> : RUNNING, STARTING, STOPPED, FATAL, BACKOFF, EXITED... or UNKNOWN.
program_state() {
    local line
    line="$(sv status "$1" 2>/dev/null)" || true
    awk 'NR==1 && NF>=2 {print $2; found=1} END {if (!found) print "UNKNOWN"}' <<<"$line"
}

# ---- services ----------------------------------------------------------------------------------
service_binary() { echo "$BUILD_DIR/services/$1/agora-$1"; }
service_port() {
    local var="${1^^}_PORT"
    echo "${!var}"
}

# service_metrics_url <svc> : where Prometheus reads the service's metrics. A service's port is internal
# (bound to 127.0.0.1), so its metrics stay on it; the gateway's port is public, so its metrics have a
# port of their own.
service_metrics_url() {
    local port
    if [[ "$1" == gateway ]]; then port="$GATEWAY_METRICS_PORT"; else port="$(service_port "$1")"; fi
    echo "http://127.0.0.1:$port/metrics"
}

# infra_address <program> : where a person reaches it, for messages.
infra_address() {
    case "$1" in
        postgres) echo "127.0.0.1:$POSTGRES_PORT" ;;
        redis) echo "127.0.0.1:$REDIS_PORT" ;;
        kafka) echo "127.0.0.1:$KAFKA_PORT, metrics http://127.0.0.1:$KAFKA_METRICS_PORT/metrics" ;;
        rabbitmq) echo "127.0.0.1:$RABBITMQ_PORT, http://localhost:$RABBITMQ_UI_PORT" ;;
        mailpit) echo "http://localhost:$MAILPIT_UI_PORT, SMTP 127.0.0.1:$MAILPIT_SMTP_PORT" ;;
        pg_exporter) echo "http://127.0.0.1:$PG_EXPORTER_PORT/metrics" ;;
        redis_exporter) echo "http://127.0.0.1:$REDIS_EXPORTER_PORT/metrics" ;;
        victorialogs) echo "http://localhost:$VICTORIALOGS_PORT/select/vmui" ;;
        jaeger) echo "http://localhost:$JAEGER_UI_PORT, OTLP 127.0.0.1:$JAEGER_OTLP_GRPC_PORT/$JAEGER_OTLP_HTTP_PORT" ;;
        alertmanager) echo "http://localhost:$ALERTMANAGER_PORT" ;;
        prometheus) echo "http://localhost:$PROMETHEUS_PORT" ;;
        *) echo "" ;;
    esac
}

# ---- readiness: ready_<program> answers 0 once the program serves ----------------------------
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; }

ready_postgres() { pg_isready -q -h 127.0.0.1 -p "$POSTGRES_PORT" -t 2; }
ready_redis() { [[ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
ready_kafka() { port_open "$KAFKA_PORT"; }
ready_rabbitmq() { port_open "$RABBITMQ_PORT"; }
ready_mailpit() {
    port_open "$MAILPIT_SMTP_PORT" && curl -fs -o /dev/null -m 2 "http://127.0.0.1:$MAILPIT_UI_PORT/readyz"
}
# An exporter is ready once it serves its page (which may still report its server down).
ready_pg_exporter() { curl -fs -o /dev/null -m 2 "http://127.0.0.1:$PG_EXPORTER_PORT/metrics"; }
ready_redis_exporter() { curl -fs -o /dev/null -m 2 "http://127.0.0.1:$REDIS_EXPORTER_PORT/metrics"; }
ready_victorialogs() { curl -fs -o /dev/null -m 2 "http://127.0.0.1:$VICTORIALOGS_PORT/health"; }
ready_jaeger() {
    curl -fs -o /dev/null -m 2 "http://127.0.0.1:$JAEGER_HEALTH_PORT/status" && port_open "$JAEGER_OTLP_HTTP_PORT"
}
ready_alertmanager() { curl -fs -o /dev/null -m 2 "http://127.0.0.1:$ALERTMANAGER_PORT/-/ready"; }
ready_prometheus() { curl -fs -o /dev/null -m 2 "http://127.0.0.1:$PROMETHEUS_PORT/-/ready"; }
ready_service() { curl -fs -o /dev/null -m 2 "http://127.0.0.1:$(service_port "$1")/health"; }
# The gateway serves on two ports: the public one and its metrics port.
ready_gateway() { ready_service gateway && curl -fs -o /dev/null -m 2 "$(service_metrics_url gateway)"; }

is_ready() {
    if declare -F "ready_$1" >/dev/null; then "ready_$1"; else ready_service "$1"; fi
}

# wait_ready <program> <seconds> : waits until the program is ready. On failure it names the
# program, shows the end of its log and returns 1.
wait_ready() {
    local name="$1" limit="$2" start=$SECONDS state problem=""
    until is_ready "$name"; do
        state="$(program_state "$name")"
        case "$state" in
            FATAL | STOPPED) problem="$name is $state instead of running" ;;
        esac
        if [[ -z "$problem" ]] && ((SECONDS - start >= limit)); then
            problem="$name was not ready within ${limit}s (state $state)"
        fi
        if [[ -n "$problem" ]]; then
            printf '%sfailed%s\n' "$C_ERR" "$C_OFF"
            tail -n 20 "$AGORA_LOGS/$name.log" 2>/dev/null | sed 's/^/    | /' >&2
            printf '%serror:%s %s; its log is %s\n' "$C_ERR" "$C_OFF" "$problem" "$AGORA_LOGS/$name.log" >&2
            return 1
        fi
        sleep 0.5
    done
}

# kafka_tool <class> <args> : runs one of Kafka's Java tools from the installed jars.
kafka_tool() {
    local class="$1"
    shift
    java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$AGORA_ETC/kafka-log4j2.properties" \
        -cp "$KAFKA_LIBS/*" "$class" "$@"
}

# psql_admin <args> : psql as the PostgreSQL superuser over our own Unix socket.
psql_admin() {
    psql -h "$AGORA_RUN/postgres" -p "$POSTGRES_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}
