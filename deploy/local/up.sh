#!/usr/bin/env bash
# `make up`: installs what is missing, builds the services, starts every program under supervisor
# in order, waits for each to be ready and prints where everything is. A second run changes nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/platform.sh"

JOBS="${JOBS:-2}"
started_at=$SECONDS
# Programs to run this time: all infrastructure, and the services whose binary exists.
programs=()
# Services whose release build failed this time.
build_failed=()

install_step() {
    "$DEPLOY_DIR/install.sh"
}

build_services() {
    if [[ -n "${AGORA_SKIP_BUILD:-}" ]]; then
        warn "AGORA_SKIP_BUILD is set: using the binaries already in $BUILD_DIR"
        return
    fi
    step "Configuring the release build (build/release)"
    (cd "$AGORA_ROOT" && cmake --preset release >"$AGORA_LOGS/cmake-release.log" 2>&1) || {
        tail -n 30 "$AGORA_LOGS/cmake-release.log" | sed 's/^/    | /' >&2
        die "cmake --preset release failed; the whole output is in $AGORA_LOGS/cmake-release.log"
    }
    local targets=() svc
    for svc in "${AGORA_SERVICES[@]}"; do
        if ninja -C "$BUILD_DIR" -t query "agora-$svc" >/dev/null 2>&1; then targets+=("agora-$svc"); fi
    done
    if ((${#targets[@]} == 0)); then
        warn "no service has a build target yet; nothing to build"
        return
    fi
    step "Building ${targets[*]} (release, $JOBS jobs)"
    # Keep going past a service that does not compile, so the others still run; a service whose
    # binary is not up to date afterwards is left out rather than run stale.
    if ! (cd "$AGORA_ROOT" && cmake --build --preset release --parallel "$JOBS" --target "${targets[@]}" -- -k 0); then
        local target
        for target in "${targets[@]}"; do
            # A dry run that still lists steps means the target is not up to date.
            if [[ "$(ninja -C "$BUILD_DIR" -n "$target" 2>/dev/null)" == *$'\n['* ]]; then
                build_failed+=("${target#agora-}")
            fi
        done
        ((${#build_failed[@]})) || die "the release build failed (see above)"
        warn "did not build, left out: ${build_failed[*]} (see the errors above)"
    fi
}

prepare_dirs() {
    mkdir -p "$AGORA_BIN" "$AGORA_LOGS" "$AGORA_RUN" "$AGORA_ETC" "$AGORA_DATA"
    # Programs that run as another user (PostgreSQL) must be able to reach their folders.
    chmod 755 "$AGORA_HOME" "$AGORA_DATA" "$AGORA_RUN"
}

prepare_secrets() {
    mkdir -p "$AGORA_SECRETS"
    chmod 700 "$AGORA_SECRETS"
    local key="$AGORA_SECRETS/jwt-ed25519.pem" pepper="$AGORA_SECRETS/code-pepper"
    local internal="$AGORA_SECRETS/internal-key"
    if [[ ! -s "$key" ]]; then
        (umask 077 && openssl genpkey -algorithm ed25519 -out "$key")
        info "generated the JWT signing key $key"
    fi
    if [[ ! -s "$pepper" ]]; then
        random_hex 32 "$pepper"
        info "generated the verification-code pepper $pepper"
    fi
    if [[ ! -s "$SUPERVISOR_PASSWORD_FILE" ]]; then
        random_hex 16 "$SUPERVISOR_PASSWORD_FILE"
        info "generated the password of supervisor's web page $SUPERVISOR_PASSWORD_FILE"
    fi
    if [[ ! -s "$internal" ]]; then
        # The key the gateway and the services sign their calls to each other with (docs/adr/0010).
        random_hex 32 "$internal"
        info "generated the internal signing key $internal"
    fi
    chmod 600 "$key" "$pepper" "$SUPERVISOR_PASSWORD_FILE" "$internal"
    SUPERVISOR_PASSWORD_SHA1="$(sha1sum <"$SUPERVISOR_PASSWORD_FILE" | cut -d' ' -f1)"
}


prepare_postgres() {
    local data="$AGORA_DATA/postgres"
    mkdir -p "$data" "$AGORA_RUN/postgres"
    chown "$PG_USER" "$data" "$AGORA_RUN/postgres"
    chmod 700 "$data"
    [[ -f "$data/PG_VERSION" ]] && return
    # The postgres user must be able to walk down to the data folder.
    if ! runuser_pg test -x "$data"; then
        die "user $PG_USER cannot reach $data; put the repository (or AGORA_HOME) where $PG_USER can traverse"
    fi
    step "Creating the PostgreSQL cluster in $data"
    runuser_pg "$PG_BIN/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$AGORA_LOGS/initdb.log" 2>&1 ||
        die "initdb failed; its output is in $AGORA_LOGS/initdb.log"
}

runuser_pg() {
    if [[ $EUID -eq 0 ]]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi
}

prepare_redis() { mkdir -p "$AGORA_DATA/redis"; }

prepare_rabbitmq() {
    mkdir -p "$AGORA_DATA/rabbitmq"
    local conf
    conf="$(render "$DEPLOY_DIR/etc/rabbitmq.conf")" || exit 1
    write_if_changed "$AGORA_ETC/rabbitmq.conf" <<<"$conf" || true
    # Our own (empty) environment file keeps /etc/rabbitmq/rabbitmq-env.conf out of the node.
    echo '# The node is configured by the environment supervisor gives it.' |
        write_if_changed "$AGORA_ETC/rabbitmq-env.conf" || true
    echo '[rabbitmq_management,rabbitmq_prometheus].' | write_if_changed "$AGORA_ETC/rabbitmq-plugins" || true
}

prepare_kafka() {
    mkdir -p "$AGORA_DATA/kafka"
    [[ -d "$KAFKA_LIBS" ]] || die "$KAFKA_LIBS is missing; run deploy/local/install.sh"
    [[ -f "$KAFKA_AGENT_JAR" ]] || die "$KAFKA_AGENT_JAR is missing; run deploy/local/install.sh"
    local conf
    conf="$(render "$DEPLOY_DIR/etc/kafka.properties")" || exit 1
    write_if_changed "$AGORA_ETC/kafka.properties" <<<"$conf" || true
    render "$DEPLOY_DIR/etc/kafka-log4j2.properties" | write_if_changed "$AGORA_ETC/kafka-log4j2.properties" || true
    render "$DEPLOY_DIR/etc/kafka-metrics.yaml" | write_if_changed "$AGORA_ETC/kafka-metrics.yaml" || true
    [[ -f "$AGORA_DATA/kafka/meta.properties" ]] && return
    # KRaft needs its log folder formatted once with a cluster id: 16 random bytes, base64url, and not
    # starting with '-', which the storage tool would take for an option.
    local cluster_id=""
    while [[ -z "$cluster_id" || "$cluster_id" == -* ]]; do
        cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    done
    step "Formatting Kafka's storage in $AGORA_DATA/kafka (cluster $cluster_id)"
    kafka_tool kafka.tools.StorageTool format --ignore-formatted -t "$cluster_id" -c "$AGORA_ETC/kafka.properties" \
        >"$AGORA_LOGS/kafka-format.log" 2>&1 || die "formatting Kafka's storage failed; see $AGORA_LOGS/kafka-format.log"
}

# Creates the Kafka topics the services use that do not exist yet; one listing when all are there.
ensure_kafka_topics() {
    local bootstrap="127.0.0.1:$KAFKA_PORT" existing topic missing=()
    existing="$(kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --list 2>>"$AGORA_LOGS/kafka-topics.log")" ||
        die "could not list Kafka topics; see $AGORA_LOGS/kafka-topics.log"
    for topic in "${KAFKA_TOPICS[@]}"; do
        grep -qx -- "$topic" <<<"$existing" || missing+=("$topic")
    done
    if ((${#missing[@]} == 0)); then
        ok "Kafka topics present: ${KAFKA_TOPICS[*]}"
        return
    fi
    for topic in "${missing[@]}"; do
        kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create --if-not-exists \
            --topic "$topic" --partitions "$KAFKA_PARTITIONS" --replication-factor 1 >>"$AGORA_LOGS/kafka-topics.log" 2>&1 ||
            die "could not create the Kafka topic $topic; see $AGORA_LOGS/kafka-topics.log"
        info "created Kafka topic $topic ($KAFKA_PARTITIONS partitions)"
    done
}

prepare_mailpit() {
    mkdir -p "$AGORA_DATA/mailpit"
    [[ -x "$AGORA_BIN/mailpit" ]] || die "$AGORA_BIN/mailpit is missing; run deploy/local/install.sh"
}

prepare_alertmanager() {
    mkdir -p "$AGORA_DATA/alertmanager"
    render "$DEPLOY_DIR/etc/alertmanager.yml" | write_if_changed "$AGORA_ETC/alertmanager.yml" || true
    amtool check-config "$AGORA_ETC/alertmanager.yml" >"$AGORA_LOGS/amtool.log" 2>&1 ||
        die "the Alertmanager configuration does not check; see $AGORA_LOGS/amtool.log"
    if ready_alertmanager; then curl -fs -m 5 -X POST "http://127.0.0.1:$ALERTMANAGER_PORT/-/reload" || true; fi
}

prepare_prometheus() {
    mkdir -p "$AGORA_DATA/prometheus"
    render "$DEPLOY_DIR/etc/prometheus.yml" | write_if_changed "$AGORA_ETC/prometheus.yml" || true
    # A running Prometheus rereads its configuration and rules when asked; a bad rule file is refused here.
    promtool check config --syntax-only "$AGORA_ETC/prometheus.yml" >"$AGORA_LOGS/promtool.log" 2>&1 &&
        promtool check rules "$AGORA_ROOT"/deploy/prometheus/rules/*.yml >>"$AGORA_LOGS/promtool.log" 2>&1 ||
        die "the Prometheus configuration or rules do not check; see $AGORA_LOGS/promtool.log"
    if ready_prometheus; then curl -fs -m 5 -X POST "http://127.0.0.1:$PROMETHEUS_PORT/-/reload" || true; fi
}

prepare_jaeger() {
    [[ -x "$AGORA_BIN/jaeger" ]] || die "$AGORA_BIN/jaeger is missing; run deploy/local/install.sh"
    render "$DEPLOY_DIR/etc/jaeger.yaml" | write_if_changed "$AGORA_ETC/jaeger.yaml" || true
}

prepare_victorialogs() {
    mkdir -p "$AGORA_DATA/victorialogs"
    [[ -x "$AGORA_BIN/victoria-logs" ]] || die "$AGORA_BIN/victoria-logs is missing; run deploy/local/install.sh"
}

choose_programs() {
    programs=("${AGORA_INFRA[@]}")
    local svc skipped=()
    for svc in "${AGORA_SERVICES[@]}"; do
        if [[ " ${build_failed[*]} " == *" $svc "* ]]; then
            continue
        elif [[ -x "$(service_binary "$svc")" ]]; then
            programs+=("$svc")
        else
            skipped+=("$svc")
        fi
    done
    if ((${#skipped[@]})); then
        warn "not built yet, skipped: ${skipped[*]} (expected at ${BUILD_DIR#"$AGORA_ROOT"/}/services/<svc>/agora-<svc>)"
    fi
}

write_supervisor_conf() {
    local name conf
    conf="$(
        render "$DEPLOY_DIR/supervisord.conf.in"
        for name in "${programs[@]}"; do
            echo
            render "$DEPLOY_DIR/programs/$name.conf"
        done
    )" || exit 1
    if write_if_changed "$SUPERVISOR_CONF" 600 <<<"$conf"; then info "wrote $SUPERVISOR_CONF"; fi
}

start_supervisord() {
    if supervisord_running; then
        # Adds programs that appeared and reloads those whose section changed; others keep running.
        local changes
        changes="$(sv reread)"
        if [[ "$changes" != "No config updates to processes" ]]; then
            sed 's/^/    supervisor: /' <<<"$changes"
            sv update >/dev/null
        fi
        ok "supervisord already running (pid $(<"$AGORA_RUN/supervisord.pid"))"
        # supervisord reads its own sections at start only: one started before its web page asked for a
        # password still answers without one.
        if curl -fs -o /dev/null -m 2 "http://127.0.0.1:$SUPERVISOR_PORT/"; then
            warn "supervisor's web page answers without a password: make down && make up applies it"
        fi
        return
    fi
    step "Starting supervisord"
    rm -f "$AGORA_RUN/supervisor.sock"
    # A clean environment: programs get what their section says, not whatever the shell that
    # first ran `make up` happened to hold.
    env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 supervisord -c "$SUPERVISOR_CONF" || die "supervisord did not start; see $AGORA_LOGS/supervisord.log"
    local start=$SECONDS
    until sv status >/dev/null 2>&1 || [[ $? -ne 4 ]]; do
        ((SECONDS - start < 20)) || die "supervisord does not answer; see $AGORA_LOGS/supervisord.log"
        sleep 0.2
    done
}

# start_program <name> <seconds>
start_program() {
    local name="$1" limit="$2" t0=$SECONDS state
    state="$(program_state "$name")"
    if [[ "$state" == RUNNING || "$state" == STARTING ]] && binary_changed "$name"; then
        printf '    restarting %s (new build) ... ' "$name"
        sv stop "$name" >/dev/null 2>&1 || true
        state=STOPPED
    elif [[ "$state" == RUNNING ]] && is_ready "$name"; then
        ok "$name already running"
        return
    elif [[ "$state" == RUNNING || "$state" == STARTING ]]; then
        printf '    waiting for %s ... ' "$name"
    else
        printf '    starting %s ... ' "$name"
    fi
    if [[ "$state" != RUNNING && "$state" != STARTING ]]; then
        remember_binary "$name"
        sv start "$name" >/dev/null 2>&1 || true
    fi
    wait_ready "$name" "$limit" || return 1
    printf '%sready%s (%ss)\n' "$C_OK" "$C_OFF" "$((SECONDS - t0))"
}

# A service keeps running across `make up` runs; when its binary was rebuilt since it started, it
# is restarted so that `make up` always runs what was just built.
binary_stamp() { stat -c '%Y %s' "$(service_binary "$1")" 2>/dev/null; }
binary_changed() {
    [[ " ${AGORA_SERVICES[*]} " == *" $1 "* ]] || return 1
    [[ "$(binary_stamp "$1")" != "$(cat "$AGORA_RUN/$1.binary" 2>/dev/null)" ]]
}
remember_binary() {
    [[ " ${AGORA_SERVICES[*]} " == *" $1 "* ]] || return 0
    binary_stamp "$1" >"$AGORA_RUN/$1.binary"
}

ensure_databases() {
    local db
    psql_admin -c "DO \$\$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
            CREATE ROLE $DB_ROLE LOGIN PASSWORD '$DB_PASSWORD';
        END IF; END \$\$;" || die "could not create the role $DB_ROLE; see $AGORA_LOGS/postgres.log"
    for db in "${AGORA_DATABASES[@]}"; do
        if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]]; then
            psql_admin -c "CREATE DATABASE $db OWNER $DB_ROLE" || die "could not create the database $db"
            info "created database $db"
        fi
    done
}

print_summary() {
    local svc failures="$1"
    echo
    if ((failures)); then
        step "Agora is up except $failures service(s) ($((SECONDS - started_at))s)"
    else
        step "Agora is up ($((SECONDS - started_at))s)"
    fi
    printf '    %-12s %shttp://localhost:%s/%s  (the shop; its "Local tools" page links every tool below)\n' \
        "Start here" "$C_OK" "$GATEWAY_PORT" "$C_OFF"
    for svc in "${AGORA_SERVICES[@]}"; do
        if [[ " ${build_failed[*]} " == *" $svc "* ]]; then
            printf '    %-12s http://localhost:%s   %s(did not build)%s\n' "$svc" "$(service_port "$svc")" "$C_ERR" "$C_OFF"
        elif [[ " ${programs[*]} " != *" $svc "* ]]; then
            printf '    %-12s http://localhost:%s   (not built yet)\n' "$svc" "$(service_port "$svc")"
        elif is_ready "$svc"; then
            printf '    %-12s http://localhost:%s\n' "$svc" "$(service_port "$svc")"
        else
            printf '    %-12s http://localhost:%s   %s(not answering)%s\n' "$svc" "$(service_port "$svc")" "$C_ERR" "$C_OFF"
        fi
    done
    printf '    %-12s http://localhost:%s  (SMTP on 127.0.0.1:%s)\n' "Mailpit" "$MAILPIT_UI_PORT" "$MAILPIT_SMTP_PORT"
    printf '    %-12s http://localhost:%s  (guest/guest)  AMQP amqp://guest:guest@127.0.0.1:%s/\n' \
        "RabbitMQ" "$RABBITMQ_UI_PORT" "$RABBITMQ_PORT"
    printf '    %-12s postgresql://%s:%s@127.0.0.1:%s/<db>  (%s)\n' "PostgreSQL" "$DB_ROLE" "$DB_PASSWORD" \
        "$POSTGRES_PORT" "${AGORA_DATABASES[*]}"
    printf '    %-12s redis://127.0.0.1:%s/0\n' "Redis" "$REDIS_PORT"
    printf '    %-12s KAFKA_BROKERS=127.0.0.1:%s  (topics: %s)\n' "Kafka" "$KAFKA_PORT" "${KAFKA_TOPICS[*]}"
    printf '    %-12s %s  (Prometheus scrapes it; not on the public port)\n' "metrics" "$(service_metrics_url gateway)"
    printf '    %-12s http://localhost:%s  (user %s, password in %s)\n' "supervisor" "$SUPERVISOR_PORT" \
        "$SUPERVISOR_USER" "$SUPERVISOR_PASSWORD_FILE"
    local name
    for name in prometheus alertmanager jaeger victorialogs; do
        [[ " ${AGORA_INFRA[*]} " == *" $name "* ]] || continue
        case "$name" in
            prometheus) printf '    %-12s http://localhost:%s  (rules: deploy/prometheus, alerts at /alerts)\n' \
                "Prometheus" "$PROMETHEUS_PORT" ;;
            alertmanager) printf '    %-12s http://localhost:%s  (alerts, mailed to %s in Mailpit)\n' "Alertmanager" \
                "$ALERTMANAGER_PORT" "ops@agora.local" ;;
            jaeger) printf '    %-12s http://localhost:%s  (traces; OTLP gRPC 127.0.0.1:%s, HTTP %s)\n' "Jaeger" \
                "$JAEGER_UI_PORT" "$JAEGER_OTLP_GRPC_PORT" "$AGORA_OTLP_ENDPOINT" ;;
            victorialogs) printf '    %-12s http://localhost:%s/select/vmui  (logs, LogsQL)\n' "VictoriaLogs" \
                "$VICTORIALOGS_PORT" ;;
        esac
    done
    echo
    info "Admin: $ADMIN_EMAIL / $ADMIN_PASSWORD  (seeded for local use only; never use it elsewhere)"
    info "Logs: $AGORA_LOGS   make status · make logs [S=auth] · make down"
}

main() {
    install_step
    mkdir -p "$AGORA_LOGS"
    build_services
    step "Preparing $AGORA_HOME"
    prepare_dirs
    prepare_secrets
    local name
    for name in "${AGORA_INFRA[@]}"; do
        if declare -F "prepare_$name" >/dev/null; then "prepare_$name"; fi
    done
    choose_programs
    write_supervisor_conf
    start_supervisord
    step "Starting programs"
    # Services need the infrastructure: the first infrastructure failure ends the run. A service
    # that fails is reported and the others still start.
    start_program postgres 60 || exit 1
    ensure_databases
    for name in "${AGORA_INFRA[@]}"; do
        [[ "$name" == postgres ]] && continue
        start_program "$name" "$(start_deadline "$name")" || exit 1
    done
    ensure_kafka_topics
    local failed=()
    for name in "${programs[@]}"; do
        [[ " ${AGORA_INFRA[*]} " == *" $name "* ]] && continue
        start_program "$name" "$(start_deadline "$name")" || failed+=("$name")
    done
    print_summary "$((${#failed[@]} + ${#build_failed[@]}))"
    if ((${#build_failed[@]})); then
        die "did not build: ${build_failed[*]}"
    fi
    if ((${#failed[@]})); then
        die "not running: ${failed[*]} (make logs S=${failed[0]})"
    fi
}

# Seconds a program may take to become ready; RabbitMQ's first boot is the slowest.
start_deadline() {
    case "$1" in
        rabbitmq) echo 120 ;;
        *) echo 60 ;;
    esac
}

main "$@"
