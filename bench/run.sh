#!/usr/bin/env bash
# `make bench`: builds the release binaries, starts a whole private platform with deploy/local/up.sh
# in a temporary AGORA_HOME on free loopback ports (PostgreSQL, Redis, Kafka, RabbitMQ, Mailpit, auth,
# product, order, mail, the gateway), HAProxy beside it with the gateway's routes and no token check,
# runs the scenarios of bench/scenarios.sh and writes docs/benchmarks.md with bench/report.py.
#
# Knobs (environment): BENCH_DURATION (s per measurement, 10), BENCH_WARMUP (s, 2), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (wrk connections and pgbench clients, 16), BENCH_RATE_SHARE (open-loop rate as a
# share of the slowest target's req/s, 0.25), BENCH_LATENCY_CONNECTIONS (vegeta's most connections, 64),
# BENCH_THREADS (event-loop threads of every service and HAProxy, 1), BENCH_TELEMETRY_ROUNDS (rounds of
# the telemetry-cost scenario, 7: its effect is smaller than the order path's drift), BENCH_SWITCH_WARMUP
# (s of orders after each of its restarts, 10), BENCH_STOCK_RATE (orders/s of the
# order-to-stock scenario, 100), BENCH_STOCK_DURATION (s, 20), BENCH_CATALOGUE (products created for the
# list pages, 300), BENCH_SHOP_LOADS (catalogue loads of the storefront scenario, each cold then warm, 20),
# BENCH_SHOP_ORDERS (orders it places through the page, 10), BENCH_SHOPPERS (customers signed up for the
# shop-mix scenario, each with a token of their own, 100), BENCH_ONLY (scenario ids to run, all when
# empty), BENCH_SKIP_BUILD=1 (use the binaries already built), BENCH_KEEP=1 (keep the temporary
# directory), BENCH_OUT (the report, docs/benchmarks.md), BENCH_COMMIT (the commit the report names,
# for a tree exported without its history; default: the checkout's HEAD), BENCH_SWARM=1 (also the
# Swarm scenarios, bench/swarm.sh: a stack of its own, BENCH_SWARM_STACK agora-bench on the subnet
# BENCH_SWARM_SUBNET 10.232.0.0/16, its images built unless BENCH_SKIP_BUILD is set, warmed up with
# BENCH_SWARM_WARMUP s (15) of reads and of orders), BENCH_SWARM_DATA=replicated (that stack on the
# replicated data tier, with the replicated-* scenarios of bench/swarm.sh), BENCH_OBSERVED=1 (the platform
# as `make up` runs it: Jaeger, VictoriaLogs, Prometheus and the exporters in, every trace sampled, logs at
# info and shipped; by default they are left out and the services log only warnings).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=../deploy/local/platform.sh
source "$BENCH_DIR/../deploy/local/platform.sh"

: "${BENCH_DURATION:=10}"
: "${BENCH_WARMUP:=2}"
: "${BENCH_ROUNDS:=3}"
: "${BENCH_CONNECTIONS:=16}"
: "${BENCH_RATE_SHARE:=0.25}"
# vegeta opens a connection whenever all are busy; uncapped, one stall on the shared cores becomes a
# storm of thousands of new connections that the proxies pass on upstream, and the run measures that.
# Capped, a stall queues requests in vegeta, where their wait still counts in the latency.
: "${BENCH_LATENCY_CONNECTIONS:=64}"
: "${BENCH_THREADS:=1}"
: "${BENCH_TELEMETRY_ROUNDS:=7}"
: "${BENCH_SWITCH_WARMUP:=10}"
: "${BENCH_STOCK_RATE:=100}"
: "${BENCH_STOCK_DURATION:=20}"
: "${BENCH_CATALOGUE:=300}"
: "${BENCH_SHOP_LOADS:=20}"
: "${BENCH_SHOP_ORDERS:=10}"
: "${BENCH_SHOPPERS:=100}"
: "${BENCH_OBSERVED:=}"
: "${BENCH_ONLY:=}"
: "${BENCH_SKIP_BUILD:=}"
: "${BENCH_KEEP:=}"
: "${BENCH_OUT:=$AGORA_ROOT/docs/benchmarks.md}"
: "${JOBS:=2}"
# shellcheck source-path=SCRIPTDIR source=swarm.sh
source "$BENCH_DIR/swarm.sh"

# The tools `make install` put in the usual AGORA_HOME are shared with the temporary one.
TOOLS_HOME="$AGORA_HOME"

# ---- processes ---------------------------------------------------------------------------------
# Processes started here rather than by the platform (HAProxy): name, pid, stop signal.
PROC_NAMES=()
PROC_PIDS=()
PROC_SIGNALS=()
WORK=""
PLATFORM_UP=""
FINISHED=""

# spawn <name> <signal> <command...> : starts a server in the background, its output in logs/<name>.log.
spawn() {
    local name="$1" signal="$2"
    shift 2
    "$@" >"$WORK/logs/$name.log" 2>&1 &
    PROC_NAMES+=("$name")
    PROC_PIDS+=("$!")
    PROC_SIGNALS+=("$signal")
}

stop_one() {
    local name="$1" pid="$2" signal="$3" waited=0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -s "$signal" "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && ((waited < 100)); do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        warn "$name did not stop within 10 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

# Stops everything, on success, failure or interruption alike.
cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    swarm_remove
    for ((i = ${#PROC_PIDS[@]} - 1; i >= 0; i--)); do
        stop_one "${PROC_NAMES[$i]}" "${PROC_PIDS[$i]}" "${PROC_SIGNALS[$i]}"
    done
    if [[ -n "$PLATFORM_UP" ]]; then
        "$DEPLOY_DIR/down.sh" >"$WORK/logs/down.log" 2>&1 ||
            warn "stopping the platform failed; see $WORK/logs/down.log"
        # RabbitMQ's node started a port mapper on the run's own port; nothing else uses it.
        ERL_EPMD_PORT="$EPMD_PORT" epmd -kill >/dev/null 2>&1 || true
    fi
    if [[ -n "$WORK" && -d "$WORK" ]]; then
        if [[ -n "$FINISHED" && -z "$BENCH_KEEP" ]]; then
            rm -rf "$WORK"
        else
            info "logs and raw results kept in $WORK"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail_with_log() {
    tail -n 20 "$1" 2>/dev/null | sed 's/^/    | /' >&2 || true
    die "$2 (log: $1)"
}

http_ok() { curl -fs -o /dev/null -m 2 "$@"; }

# free_ports <n> : n distinct free TCP ports on 127.0.0.1, one per line.
free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
for s in held:
    print(s.getsockname()[1])
EOF
}

# ---- build and tools ---------------------------------------------------------------------------
need_tool() { command -v "$1" >/dev/null || die "$1 is missing: $2"; }

build() {
    if [[ -n "$BENCH_SKIP_BUILD" ]]; then
        info "BENCH_SKIP_BUILD is set: using the binaries in $BUILD_DIR"
        return
    fi
    step "Building the release binaries ($JOBS jobs)"
    local log
    log="$(mktemp -t agora-bench-configure.XXXXXX)"
    if ! (cd "$AGORA_ROOT" && cmake --preset release) >"$log" 2>&1; then
        grep -A6 'CMake Error' "$log" | head -n 30 | sed 's/^/    | /' >&2 || true
        rm -f "$log"
        die "configuring $BUILD_DIR failed"
    fi
    rm -f "$log"
    # Only the programs the bench runs, so that an unrelated folder that does not compile cannot stop it.
    local targets=() svc
    for svc in "${AGORA_SERVICES[@]}"; do targets+=("agora-$svc"); done
    (cd "$AGORA_ROOT" && cmake --build --preset release --parallel "$JOBS" --target "${targets[@]}") ||
        die "building ${targets[*]} failed"
}

check_tools() {
    local svc
    for svc in "${AGORA_SERVICES[@]}"; do
        [[ -x "$(service_binary "$svc")" ]] || die "$svc is not built: $(service_binary "$svc") is missing"
    done
    need_tool wrk "apt-get install -y wrk (or make install)"
    need_tool haproxy "apt-get install -y haproxy (or make install)"
    need_tool pgbench "apt-get install -y postgresql-client-15 (or make install)"
    VEGETA="$TOOLS_HOME/bin/vegeta"
    [[ -x "$VEGETA" ]] || VEGETA="$(command -v vegeta || true)"
    [[ -n "$VEGETA" ]] || die "vegeta is missing: make install builds it into $TOOLS_HOME/bin"
}

# ---- the private platform ----------------------------------------------------------------------
# The whole platform as `make up` runs it, from the release build, in a temporary AGORA_HOME with every
# port of ports.env moved to a free one, so that a running `make up` or end-to-end suite is left alone.
start_platform() {
    export AGORA_HOME="$WORK/home"
    mkdir -p "$AGORA_HOME"
    chmod 755 "$AGORA_HOME"
    local dir
    for dir in bin toolchain node python kafka; do
        if [[ -e "$TOOLS_HOME/$dir" ]]; then ln -sfn "$TOOLS_HOME/$dir" "$AGORA_HOME/$dir"; fi
    done
    local names ports i
    mapfile -t names < <(sed -n 's/^: "${\([A-Z0-9_]*_PORT\):=.*/\1/p' "$DEPLOY_DIR/ports.env")
    mapfile -t ports < <(free_ports $((${#names[@]} + 1)))
    for i in "${!names[@]}"; do export "${names[$i]}=${ports[$i]}"; done
    HAPROXY_BENCH_PORT="${ports[${#names[@]}]}"
    # Per-request logs would be a cost HAProxy does not pay; no rate limits, since one load generator
    # on one address is exactly what they stop; the payment deadline and the reminders stay at their
    # defaults (hours), so no timer fires during the runs.
    export AGORA_BUILD_DIR="$BUILD_DIR" AGORA_SKIP_BUILD=1 AGORA_THREADS="$BENCH_THREADS"
    if [[ -n "$BENCH_OBSERVED" ]]; then
        export AGORA_LEAVE_OUT="" AGORA_LOG_LEVEL=info AGORA_TRACE_SAMPLE_RATIO=1
    else
        # Nothing scrapes, ships logs or collects traces during the runs (telemetry-cost adds Jaeger).
        export AGORA_LEAVE_OUT="pg_exporter redis_exporter victorialogs jaeger prometheus" AGORA_LOG_LEVEL=warn
    fi
    export GATEWAY_RATE_LIMITS=false GATEWAY_ROUTES_FILE="$WORK/routes.conf"
    # The gateway's routes, except that GET /products/{id} needs a valid token, so that the product
    # scenario pays for the token check that HAProxy does not make.
    awk '$1 == "GET" && $2 == "/products/{id}" {$0 = $0 " access=customer"} {print}' \
        "$AGORA_ROOT/services/gateway/routes.conf" >"$GATEWAY_ROUTES_FILE"
    # shellcheck source-path=SCRIPTDIR source=../deploy/local/platform.sh
    source "$DEPLOY_DIR/platform.sh"

    step "Starting the platform in $AGORA_HOME (deploy/local/up.sh, log: $WORK/logs/up.log)"
    PLATFORM_UP=1
    "$DEPLOY_DIR/up.sh" >"$WORK/logs/up.log" 2>&1 || fail_with_log "$WORK/logs/up.log" "the platform did not start"
    GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT"
    HAPROXY_URL="http://127.0.0.1:$HAPROXY_BENCH_PORT"
    AUTH_URL="http://127.0.0.1:$AUTH_PORT"
    PRODUCT_URL="http://127.0.0.1:$PRODUCT_PORT"
}

start_haproxy() {
    local config="$WORK/haproxy.cfg"
    # The gateway's routes without its checks: /auth/* to auth with the prefix stripped, /products and
    # /products/* to product as they are; keep-alive on both sides.
    cat >"$config" <<EOF
global
    maxconn 4000
    nbthread $BENCH_THREADS

defaults
    mode http
    option http-keep-alive
    http-reuse always
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 30s

frontend bench
    bind 127.0.0.1:$HAPROXY_BENCH_PORT
    use_backend auth if { path_beg /auth/ }
    use_backend product if { path /products } || { path_beg /products/ }

backend auth
    http-request replace-path /auth(/.*) \1
    server auth 127.0.0.1:$AUTH_PORT

backend product
    server product 127.0.0.1:$PRODUCT_PORT
EOF
    haproxy -c -q -f "$config" >"$WORK/logs/haproxy-check.log" 2>&1 ||
        fail_with_log "$WORK/logs/haproxy-check.log" "the generated HAProxy configuration is invalid"
    spawn haproxy TERM haproxy -db -f "$config"
    local start=$SECONDS
    until http_ok "$HAPROXY_URL/auth/health"; do
        ((SECONDS - start < 15)) || fail_with_log "$WORK/logs/haproxy.log" "HAProxy was not ready within 15s"
        sleep 0.2
    done
}

# bench_sql <database> <sql> : tab-separated rows, as the PostgreSQL superuser over the platform's socket.
bench_sql() {
    psql -h "$AGORA_RUN/postgres" -p "$POSTGRES_PORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -qAt -F $'\t' -c "$2"
}

# The bench's customer (the seeded admin: any valid token may order) and its product, with stock for
# every order the scenarios place.
prepare_data() {
    local res
    local login="{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}"
    local product='{"name":"bench shoe","description":"stocked for the load scenarios","price":"25.50","quantity":2000000000}'
    res="$(curl -fsS -m 10 -H 'Content-Type: application/json' -d "$login" "$GATEWAY_URL/auth/login")" ||
        die "cannot log in as $ADMIN_EMAIL through the gateway"
    TOKEN="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])' <<<"$res")"
    res="$(curl -fsS -m 10 -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
        -d "$product" "$GATEWAY_URL/products")" || die "cannot create the bench's product through the gateway"
    PRODUCT_ID="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])' <<<"$res")"
    # A catalogue of some hundreds of products for the list pages (created in the table directly: the
    # pages read only the table, not the events a change through the service also records). About a
    # kilobyte of description each, as shops write them: a page of 25 is some 30 KiB.
    bench_sql agora_product "INSERT INTO products (name, description, price, quantity)
        SELECT 'bench product ' || n, 'Product number ' || n || ' of the catalogue the product-list scenario pages. '
            || repeat('Its description runs to about a kilobyte, as a shop''s often does. ', 15),
            (n % 500) + 0.99, 1000 FROM generate_series(1, $BENCH_CATALOGUE) AS n" >/dev/null ||
        die "cannot create the bench's catalogue"
    # pgbench's tables beside the product's, in the same database, one branch per client (fewer would
    # make TPC-B wait on locks rather than measure the server).
    step "Initialising pgbench in agora_product (scale $BENCH_CONNECTIONS)"
    PGPASSWORD="$DB_PASSWORD" pgbench -i -q -s "$BENCH_CONNECTIONS" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$DB_ROLE" \
        agora_product >"$WORK/logs/pgbench-init.log" 2>&1 ||
        fail_with_log "$WORK/logs/pgbench-init.log" "pgbench -i failed"
}

# ---- measuring ---------------------------------------------------------------------------------
# The manifest tells report.py what ran; raw tool outputs sit beside it in results/.
manifest() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >>"$RESULTS/manifest.tsv"; }

# process_pids : "name pid" of every platform program and every process started here.
process_pids() {
    local name pid i
    while read -r name _; do
        pid="$(sv pid "$name" 2>/dev/null || true)"
        if [[ "$pid" =~ ^[1-9][0-9]*$ ]]; then echo "$name $pid"; fi
    done < <(sv status 2>/dev/null || true)
    for i in "${!PROC_NAMES[@]}"; do echo "${PROC_NAMES[$i]} ${PROC_PIDS[$i]}"; done
}

# record_memory <scenario> [<target>] : VmHWM and VmRSS of every process; with a target, taken while
# the processes served only that target (the tracing scenario restarts them between its targets).
record_memory() {
    local scenario="$1" target="${2:-}" name pid status hwm rss
    while read -r name pid; do
        status="/proc/$pid/status"
        [[ -r "$status" ]] || continue
        hwm="$(awk '/^VmHWM:/ {print $2}' "$status")"
        rss="$(awk '/^VmRSS:/ {print $2}' "$status")"
        manifest memory "$scenario" "$name" "${hwm:-0}" "${rss:-0}" ${target:+"$target"}
    done < <(process_pids)
}

# throughput_of <wrk or pgbench output> : its requests (transactions) per second.
throughput_of() { awk '/^Requests\/sec:/ {print $2} /^tps = / {print $3}' "$1"; }

median() { sort -g | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print 0}'; }

# round_order <round> <count> : the target indexes for a round, reversed every other round so that
# no target always runs right after another one's load.
round_order() {
    if (($1 % 2)); then seq 0 $(($2 - 1)); else seq $(($2 - 1)) -1 0; fi
}

# pgbench_run <mode> <seconds> : pgbench on the product database, prepared statements, as many
# clients as wrk has connections, one thread as wrk has. mode: select (-S), tpcb, or list (the product
# service's list statements, bench/product_list.sql).
pgbench_run() {
    local mode=()
    case "$1" in
        select) mode=(-S) ;;
        tpcb) ;;
        list) mode=(-f "$BENCH_DIR/product_list.sql") ;;
        *) die "pgbench_run: no mode $1" ;;
    esac
    PGPASSWORD="$DB_PASSWORD" timeout $(($2 + 30)) pgbench -n -M prepared "${mode[@]}" -c "$S_CONNECTIONS" -j 1 \
        -T "$2" -h 127.0.0.1 -p "$POSTGRES_PORT" -U "$DB_ROLE" agora_product
}

# Options of the scenario being measured (set by scenario from its arguments).
S_HEADERS=()
S_ORDERS=""
S_CONNECTIONS="$BENCH_CONNECTIONS"

# throughput_run <url> <seconds> <out> <prefix> : one closed-loop measure of a target.
throughput_run() {
    local url="$1" seconds="$2" out="$3" prefix="$4" args=() h
    args=(-t1 -c"$S_CONNECTIONS" -d"${seconds}s" --timeout 5s)
    if [[ "$url" == pgbench:* ]]; then
        pgbench_run "${url#pgbench:}" "$seconds" >"$out" 2>&1
        return
    fi
    for h in "${S_HEADERS[@]}"; do args+=(-H "$h"); done
    if [[ -n "$S_ORDERS" ]]; then
        args+=(-s "$BENCH_DIR/order.lua" "$url" -- "$prefix" "$S_ORDERS")
    else
        args+=("$url")
    fi
    timeout $((seconds + 30)) wrk "${args[@]}" >"$out" 2>&1
}

# latency_run <url> <rate> <seconds> <out> <prefix> : one open-loop measure of a target (vegeta).
latency_run() {
    local url="$1" rate="$2" seconds="$3" out="$4" prefix="$5" targets format=http h
    targets="${out%.json}.targets"
    if [[ -n "$S_ORDERS" ]]; then
        format=json
        # A few more than the rate asks for, so that no request_id is sent twice.
        python3 "$BENCH_DIR/order_targets.py" --url "$url" --token "$TOKEN" --product "$S_ORDERS" --prefix "$prefix" \
            --count $((rate * seconds + rate + 10)) >"$targets"
    else
        {
            echo "GET $url"
            for h in "${S_HEADERS[@]}"; do echo "$h"; done
        } >"$targets"
    fi
    timeout $((seconds + 30)) "$VEGETA" attack -format="$format" -targets="$targets" -rate="$rate/1s" \
        -duration="${seconds}s" -timeout=5s -max-connections="$BENCH_LATENCY_CONNECTIONS" |
        timeout 60 "$VEGETA" report -type=json >"$out"
}

latency_summary() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); l=d["latencies"]
print("p50 %.0f us, p99 %.0f us, success %.4f" % (l["50th"]/1e3, l["99th"]/1e3, d["success"]))' "$1"
}

wanted() { [[ -z "$BENCH_ONLY" || " $BENCH_ONLY " == *" $1 "* ]]; }

# scenario <id> <title> [options] <target> <process> <url> [<target> <process> <url> ...]
# The first target is the one under test; the others are references measured the same way, in the
# same rounds. Each round measures every target once, in turn, so drift on the machine hits all alike;
# the report compares targets round by round. A url pgbench:select, pgbench:tpcb or pgbench:list is
# pgbench on the product database (throughput only). Options:
#   --header <header>        sent with every HTTP request
#   --connections <n>        wrk's connections and pgbench's clients (default BENCH_CONNECTIONS)
#   --orders <product id>    POST /orders for one item of the product, a new request_id each time
#   --rate-of <target> <share>  the open-loop rate is that share of the target's median throughput
#                            (default: BENCH_RATE_SHARE of the slowest HTTP target's)
#   --before <command>       run with the target's name before each of its measures (warm-up included)
#   --rounds <n>             rounds of this scenario (default BENCH_ROUNDS)
scenario() {
    local id="$1" title="$2" names=() procs=() urls=() i round out rps slowest="" rate dir rate_of="" share=""
    local before="" rounds="$BENCH_ROUNDS"
    shift 2
    wanted "$id" || return 0
    S_HEADERS=()
    S_ORDERS=""
    S_CONNECTIONS="$BENCH_CONNECTIONS"
    while [[ "${1:-}" == --* ]]; do
        case "$1" in
            --header) S_HEADERS+=("$2"); shift 2 ;;
            --connections) S_CONNECTIONS="$2"; shift 2 ;;
            --orders) S_ORDERS="$2"; shift 2 ;;
            --rate-of) rate_of="$2"; share="$3"; shift 3 ;;
            --before) before="$2"; shift 2 ;;
            --rounds) rounds="$2"; shift 2 ;;
            *) die "scenario $id: unknown option $1" ;;
        esac
    done
    while (($# >= 3)); do
        names+=("$1")
        procs+=("$2")
        urls+=("$3")
        shift 3
    done
    (($# == 0)) || die "scenario $id: targets come in threes (name, process, url)"
    dir="$RESULTS/$id"
    mkdir -p "$dir"
    manifest scenario "$id" "$title"
    manifest connections "$id" "$S_CONNECTIONS"
    for i in "${!names[@]}"; do
        manifest target "$id" "${names[$i]}" "${procs[$i]}" "${urls[$i]}"
    done

    step "Scenario $id: $title"
    for ((round = 1; round <= rounds; round++)); do
        for i in $(round_order "$round" "${#names[@]}"); do
            out="$dir/${names[$i]}.wrk.$round.txt"
            [[ "${urls[$i]}" == pgbench:* ]] && out="$dir/${names[$i]}.pgbench.$round.txt"
            if [[ -n "$before" ]]; then "$before" "${names[$i]}"; fi
            throughput_run "${urls[$i]}" "$BENCH_WARMUP" /dev/null "$id-${names[$i]}-warm$round" || true
            throughput_run "${urls[$i]}" "$BENCH_DURATION" "$out" "$id-${names[$i]}-w$round" ||
                die "measuring ${urls[$i]} failed: $(tail -n 3 "$out")"
            rps="$(throughput_of "$out")"
            [[ -n "$rps" ]] || die "no throughput measured for ${urls[$i]}: $(tail -n 3 "$out")"
            info "round $round/$rounds  ${names[$i]}: $rps per second"
        done
    done

    for i in "${!names[@]}"; do
        rps="$(for out in "$dir/${names[$i]}".{wrk,pgbench}.*.txt; do
            if [[ -f "$out" ]]; then throughput_of "$out"; fi
        done | median)"
        if [[ -n "$rate_of" ]]; then
            if [[ "${names[$i]}" == "$rate_of" ]]; then rate="$(awk -v r="$rps" -v s="$share" 'BEGIN {print r * s}')"; fi
        elif [[ "${urls[$i]}" != pgbench:* ]]; then
            if [[ -z "$slowest" ]] || awk -v a="$rps" -v b="$slowest" 'BEGIN {exit !(a < b)}'; then slowest="$rps"; fi
        fi
    done
    [[ -n "$rate_of" ]] || rate="$(awk -v r="$slowest" -v s="$BENCH_RATE_SHARE" 'BEGIN {print r * s}')"
    rate="$(awk -v r="${rate:-0}" 'BEGIN {v = int(r); print (v < 1 ? 1 : v)}')"
    manifest rate "$id" "$rate"
    for ((round = 1; round <= rounds; round++)); do
        for i in $(round_order "$round" "${#names[@]}"); do
            [[ "${urls[$i]}" == pgbench:* ]] && continue
            out="$dir/${names[$i]}.vegeta.$round.json"
            if [[ -n "$before" ]]; then "$before" "${names[$i]}"; fi
            latency_run "${urls[$i]}" "$rate" "$BENCH_DURATION" "$out" "$id-${names[$i]}-v$round" ||
                die "vegeta failed on ${urls[$i]}"
            info "round $round/$rounds  ${names[$i]}: $rate req/s open loop, $(latency_summary "$out")"
        done
    done
    record_memory "$id"
}

# begin_gateway_scenario <id> <title> <url> : the results folder and the manifest's lines of a scenario whose
# one target is the gateway at that url.
begin_gateway_scenario() {
    mkdir -p "$RESULTS/$1"
    manifest scenario "$1" "$2"
    manifest target "$1" gateway gateway "$3"
    step "Scenario $1: $2"
}

# wait_holds_confirmed <seconds> : waits, at most that long, until no reservation is HELD any more (the
# stock of every earlier order confirmed through the outboxes and Kafka); prints the seconds waited.
wait_holds_confirmed() {
    local start=$SECONDS
    while (($(bench_sql agora_product "SELECT count(*) FROM reservations WHERE status = 'HELD'") > 0)); do
        ((SECONDS - start < $1)) || break
        sleep 1
    done
    echo $((SECONDS - start))
}

# order_stock <id> <title> <product id> : orders placed through the gateway at BENCH_STOCK_RATE for
# BENCH_STOCK_DURATION, then, from the two databases' own timestamps, when each order committed
# (PENDING), when its stock was held (before the commit, docs/adr/0006) and when the product service
# confirmed the hold on order-created from Kafka. The commit time is the start of the committing
# transaction (now()), a little early, so the delays measured are a little long, never short.
order_stock() {
    local id="$1" title="$2" product="$3" dir out prefix ids confirmed total start waited
    wanted "$id" || return 0
    dir="$RESULTS/$id"
    begin_gateway_scenario "$id" "$title" "$GATEWAY_URL/orders"
    manifest rate "$id" "$BENCH_STOCK_RATE"
    # The orders of earlier scenarios may still be on their way through the outboxes and Kafka: start
    # once their holds are confirmed, so that this measures the steady rate, not an earlier backlog.
    waited="$(wait_holds_confirmed 300)"
    manifest drain "$id" "$waited"
    info "earlier holds confirmed after ${waited}s"
    S_HEADERS=()
    S_ORDERS="$product"
    prefix="$id-$(date +%s)"
    out="$dir/gateway.vegeta.1.json"
    latency_run "$GATEWAY_URL/orders" "$BENCH_STOCK_RATE" "$BENCH_STOCK_DURATION" "$out" "$prefix" ||
        die "vegeta failed on $GATEWAY_URL/orders"
    info "$BENCH_STOCK_RATE orders/s for ${BENCH_STOCK_DURATION}s: $(latency_summary "$out")"
    bench_sql agora_order "SELECT id, extract(epoch FROM created_at), extract(epoch FROM updated_at) FROM orders
        WHERE request_id LIKE '$prefix-%' AND status = 'PENDING' ORDER BY id" >"$dir/orders.tsv"
    total="$(wc -l <"$dir/orders.tsv")"
    ids="$(cut -f1 "$dir/orders.tsv" | paste -sd, -)"
    start=$SECONDS
    # Confirmations trail the orders by the Kafka hop: wait for all of them, within a bound.
    while :; do
        bench_sql agora_product "SELECT id, status, extract(epoch FROM created_at), extract(epoch FROM updated_at)
            FROM reservations WHERE id IN (${ids:-0}) ORDER BY id" >"$dir/reservations.tsv"
        confirmed="$(awk -F'\t' '$2 == "CONFIRMED"' "$dir/reservations.tsv" | wc -l)"
        ((confirmed >= total || SECONDS - start >= 60)) && break
        sleep 1
    done
    info "$total orders placed, $confirmed holds confirmed"
    manifest delays "$id" orders.tsv reservations.tsv
    record_memory "$id"
}

# ---- the storefront in a browser ---------------------------------------------------------------
# storefront <id> <title> <product id> : the shop's page in Debian's Chromium (bench/storefront.py, with
# the end-to-end suite's Playwright): the catalogue shown, cold and warm, and orders of the product placed
# through the page by a customer it signs up, then the same two API calls from a plain HTTP client, one at a
# time. One at a time throughout: these are a shopper's waits on an otherwise idle platform, not a load.
storefront() {
    local id="$1" title="$2" product="$3" dir python="$AGORA_HOME/python/bin/python"
    wanted "$id" || return 0
    [[ -x "$python" ]] || die "$python is missing: make install-test-tools installs Playwright there"
    need_tool chromium "apt-get install -y chromium (or make install-test-tools)"
    dir="$RESULTS/$id"
    begin_gateway_scenario "$id" "$title" "$GATEWAY_URL/"
    AGORA_GATEWAY_URL="$GATEWAY_URL" AGORA_MAILPIT_URL="http://127.0.0.1:$MAILPIT_UI_PORT" timeout 900 \
        "$python" "$BENCH_DIR/storefront.py" --product "$product" --loads "$BENCH_SHOP_LOADS" \
        --orders "$BENCH_SHOP_ORDERS" --out "$dir/storefront.json" >"$WORK/logs/$id.log" 2>&1 ||
        fail_with_log "$WORK/logs/$id.log" "the storefront scenario failed"
    info "$(tail -n 1 "$WORK/logs/$id.log")"
    manifest browser "$id" storefront.json
    record_memory "$id"
}

# ---- a shopper's mixed workload ----------------------------------------------------------------
# shop_mix <id> <title> <product id> <share>... : BENCH_SHOPPERS customers, signed up through the gateway
# and Mailpit, each sending with a token of their own bench/shop_mix.py's mix through the gateway:
# catalogue pages and searches, product pages, orders of the product, and pays and cancels of pending
# orders of their own. A closed loop of BENCH_CONNECTIONS workers measures the mix's saturation rate,
# then each share of it is measured open loop, each for BENCH_DURATION s; vegeta's results per request
# let the report take each route's latencies apart.
shop_mix() {
    local id="$1" title="$2" product="$3" dir count warm sat share rate
    shift 3
    wanted "$id" || return 0
    dir="$RESULTS/$id"
    begin_gateway_scenario "$id" "$title" "$GATEWAY_URL/"
    AGORA_GATEWAY_URL="$GATEWAY_URL" AGORA_MAILPIT_URL="http://127.0.0.1:$MAILPIT_UI_PORT" timeout 600 \
        python3 "$BENCH_DIR/shop_mix.py" shoppers --count "$BENCH_SHOPPERS" --out "$dir/tokens.txt" \
        >"$WORK/logs/$id.log" 2>&1 || fail_with_log "$WORK/logs/$id.log" "signing the shoppers up failed"
    info "$(tail -n 1 "$WORK/logs/$id.log")"
    manifest shoppers "$id" "$BENCH_SHOPPERS"
    bench_sql agora_product "SELECT id FROM products WHERE name LIKE 'bench product %' ORDER BY id" \
        >"$dir/catalogue.txt"
    # A closed loop's pace is not known beforehand: the warm-up's targets are sized for 5,000 req/s, more
    # than two cores reach with this mix (beyond, its pays and orders would repeat and be answered as
    # replays, harmless in a warm-up), the measure's for twice the warm-up's pace.
    mix_attack "$id" "$product" warmup 0 "$BENCH_WARMUP" $((5000 * BENCH_WARMUP))
    warm="$(mix_throughput "$dir/warmup.json")"
    ((warm > 0)) || die "the warm-up of $id had no successful request"
    count=$((2 * warm * BENCH_DURATION + 100))
    mix_attack "$id" "$product" saturation 0 "$BENCH_DURATION" "$count"
    sat="$(mix_throughput "$dir/saturation.json")"
    ((sat > 0)) || die "the closed loop of $id had no successful request"
    info "saturation: $sat req/s closed loop, $(latency_summary "$dir/saturation.json")"
    mix_manifest "$id" saturation "$sat" "$count"
    for share in "$@"; do
        rate="$(awk -v r="$sat" -v s="$share" 'BEGIN {v = int(r * s); print (v < 1 ? 1 : v)}')"
        # A few more targets than the rate asks for, as in latency_run.
        count=$((rate * BENCH_DURATION + rate + 10))
        mix_attack "$id" "$product" "$share" "$rate" "$BENCH_DURATION" "$count"
        info "$share of saturation: $rate req/s open loop, $(latency_summary "$dir/$share.json")"
        mix_manifest "$id" "$share" "$rate" "$count"
    done
    record_memory "$id"
}

# mix_attack <id> <product id> <level> <rate, 0 for a closed loop> <seconds> <count> : one run of a mix of
# count requests, its pool of pending orders placed first; in results/<id>: <level>.json (vegeta's report)
# and <level>.csv.gz (its results, one per request).
mix_attack() {
    local id="$1" level="$3" rate="$4" seconds="$5" count="$6" dir="$RESULTS/$1" prefix args pace=() waited
    prefix="$id-$level-$(date +%s)"
    args=(--url "$GATEWAY_URL" --tokens "$dir/tokens.txt" --product "$2" --prefix "$prefix" --count "$count")
    mix_pool "$dir/$level" "$prefix" "${args[@]}"
    python3 "$BENCH_DIR/shop_mix.py" mix "${args[@]}" --catalogue "$dir/catalogue.txt" --pool "$dir/$level.pool.tsv" \
        >"$dir/$level.targets" || die "the targets of $id $level could not be made"
    # The pool's holds confirmed first, so that the measure does not pay for their backlog.
    waited="$(wait_holds_confirmed 120)"
    ((waited == 0)) || info "$level: the pool's holds confirmed after ${waited}s"
    if ((rate > 0)); then pace=(-rate="$rate/1s"); else pace=(-rate=0 -max-workers="$BENCH_CONNECTIONS"); fi
    # No response body kept: vegeta still reads each whole, as a client does, and the results stay small.
    timeout $((seconds + 60)) "$VEGETA" attack -format=json -targets="$dir/$level.targets" "${pace[@]}" \
        -duration="${seconds}s" -timeout=5s -max-connections="$BENCH_LATENCY_CONNECTIONS" -max-body=0 \
        >"$dir/$level.bin" || die "vegeta failed on $id $level"
    "$VEGETA" report -type=json "$dir/$level.bin" >"$dir/$level.json"
    "$VEGETA" encode -to=csv "$dir/$level.bin" | gzip -1 >"$dir/$level.csv.gz"
    rm -f "$dir/$level.bin"
}

# mix_pool <path prefix> <request prefix> <shop_mix.py's arguments...> : the pending orders the mix pays
# and cancels, placed as fast as they go (-lazy: each once, then the attack ends); the order database then
# says which ones are PENDING (<path prefix>.pool.tsv: request_id, order id).
mix_pool() {
    local out="$1" prefix="$2"
    shift 2
    python3 "$BENCH_DIR/shop_mix.py" pool "$@" >"$out.pool.targets"
    timeout 300 "$VEGETA" attack -format=json -lazy -targets="$out.pool.targets" -rate=0 \
        -max-workers="$BENCH_CONNECTIONS" -timeout=5s -max-connections="$BENCH_LATENCY_CONNECTIONS" >/dev/null ||
        die "vegeta failed placing the pool of $out"
    bench_sql agora_order "SELECT request_id, id FROM orders WHERE request_id LIKE '$prefix-pool-%'
        AND status = 'PENDING'" >"$out.pool.tsv"
}

# mix_manifest <id> <level> <rate> <count> : a measured run of the mix, its rate, targets and pool orders.
mix_manifest() { manifest mix "$1" "$2" "$3" "$4" "$(wc -l <"$RESULTS/$1/$2.pool.tsv")" "$2.csv.gz"; }

# mix_throughput <vegeta report> : its successful requests per second, whole.
mix_throughput() { python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["throughput"]))' "$1"; }

# ---- the cost of tracing -----------------------------------------------------------------------
TRACING_SCENARIO=""
# The arm the services run in; empty until the tracing scenario first switches.
TRACING_ARM=""

# tracing_cost <id> <title> <product id> : the order scenario (POST /orders through the gateway, as
# order-create) with every service tracing at 100% sampling to Jaeger (target tracing-on) and with
# sampling at 0 (tracing-off: no span recorded or exported; trace ids are still made and passed on, as
# at any ratio). The arms alternate round by round like any scenario's targets, over
# BENCH_TELEMETRY_ROUNDS rounds: a round's two measures differ by as much as the cost measured, so the
# median of the per-round ratios needs more of them than other scenarios do. Jaeger runs in both arms,
# so that only the services' tracing differs. It restarts the services: the last scenario to run.
tracing_cost() {
    local id="$1" title="$2" product="$3"
    wanted "$id" || return 0
    TRACING_SCENARIO="$id"
    scenario "$id" "$title" --header "Authorization: Bearer $TOKEN" --orders "$product" --before tracing_arm \
        --rounds "$BENCH_TELEMETRY_ROUNDS" \
        tracing-on gateway "$GATEWAY_URL/orders" \
        tracing-off gateway "$GATEWAY_URL/orders"
    tracing_leave_arm
}

# tracing_arm <target> : puts the services in that target's arm, then waits until the earlier orders'
# holds are confirmed, so that no arm measures while the other's backlog drains. A switch runs
# deploy/local/up.sh again with Jaeger in and the other ratio, which, as after any change of `make up`'s
# settings, rewrites the services' program sections and restarts the five services.
tracing_arm() {
    local arm="$1" ratio start waited
    case "$arm" in
        tracing-on) ratio=1 ;;
        tracing-off) ratio=0 ;;
        *) die "tracing_arm: no arm $arm" ;;
    esac
    if [[ "$arm" != "$TRACING_ARM" ]]; then
        tracing_leave_arm
        start=$SECONDS
        AGORA_LEAVE_OUT="${AGORA_LEAVE_OUT//jaeger/}" AGORA_TRACE_SAMPLE_RATIO="$ratio" "$DEPLOY_DIR/up.sh" \
            >>"$WORK/logs/up-tracing.log" 2>&1 ||
            fail_with_log "$WORK/logs/up-tracing.log" "restarting the services for $arm failed"
        TRACING_ARM="$arm"
        info "$arm: services restarted with AGORA_TRACE_SAMPLE_RATIO=$ratio in $((SECONDS - start))s"
        # Freshly restarted services (cold pools and caches, consumers rejoining their groups) measured
        # about 10% slower than warm ones in the same arm; without this, whichever arm ran second in a
        # round paid for the restart.
        throughput_run "$GATEWAY_URL/orders" "$BENCH_SWITCH_WARMUP" /dev/null "$TRACING_SCENARIO-$arm-switch$SECONDS" ||
            true
    fi
    waited="$(wait_holds_confirmed 120)"
    ((waited == 0)) || info "earlier holds confirmed after ${waited}s"
}

# tracing_leave_arm : before the services restart and at the scenario's end, what they did in the arm
# they ran: their peak memory, and the spans each exported and dropped (its /metrics) since it started.
tracing_leave_arm() {
    local svc page exported dropped
    [[ -n "$TRACING_ARM" ]] || return 0
    # The exporter sends what is queued every 500 ms.
    sleep 1
    record_memory "$TRACING_SCENARIO" "$TRACING_ARM"
    for svc in "${AGORA_SERVICES[@]}"; do
        page="$(curl -fs -m 5 "$(service_metrics_url "$svc")")" || page=""
        exported="$(awk '$1 ~ /_trace_spans_exported_total$/ {print $2}' <<<"$page")"
        dropped="$(awk '$1 ~ /_trace_spans_dropped_total$/ {print $2}' <<<"$page")"
        if [[ -z "$exported" || -z "$dropped" ]]; then
            warn "$svc's /metrics has no span counters"
            continue
        fi
        manifest spans "$TRACING_SCENARIO" "$TRACING_ARM" "$svc" "$exported" "$dropped"
    done
}

# goal <scenario> <target> <reference> <minimum ratio> : the target's req/s over the reference's.
goal() { manifest goal "$@"; }
# goal_rounds <scenario> <target> <reference> <minimum ratio> : the same in every round, not only the median.
goal_rounds() { manifest goal_rounds "$@"; }
# p99_ratio_goal <scenario> <target> <reference> <maximum ratio> : the target's p99 over the reference's.
p99_ratio_goal() { manifest goal_p99_ratio "$@"; }
# p99_goal <scenario> <target> <maximum ms> : the target's p99 at the open-loop rate.
p99_goal() { manifest goal_p99 "$@"; }
# confirm_goal <scenario> <maximum ms> : p99 from an order's commit to its stock's confirmation.
confirm_goal() { manifest goal_confirm "$@"; }
# browser_goal <scenario> <measure> <maximum ms> : the p95 of one of the storefront's measures.
browser_goal() { manifest goal_browser "$@"; }
# mix_goal <scenario> <share> <maximum ms> : every route's p99 at that share of the mix's saturation rate.
mix_goal() { manifest goal_mix "$@"; }
# memory_goal <process> <maximum MiB> : peak RSS at the end of every run.
memory_goal() { manifest goal_memory "$@"; }

# ---- main --------------------------------------------------------------------------------------
main() {
    build
    check_tools

    WORK="$(mktemp -d /tmp/agora-bench.XXXXXX)"
    # The PostgreSQL user must reach its directory inside.
    chmod 755 "$WORK"
    mkdir -p "$WORK/logs" "$WORK/results"
    RESULTS="$WORK/results"

    start_platform
    start_haproxy
    ok "gateway :$GATEWAY_PORT, haproxy :$HAPROXY_BENCH_PORT, auth :$AUTH_PORT, product :$PRODUCT_PORT," \
        "order :$ORDER_PORT, postgres :$POSTGRES_PORT"
    prepare_data

    manifest config duration_s "$BENCH_DURATION"
    manifest config warmup_s "$BENCH_WARMUP"
    manifest config rounds "$BENCH_ROUNDS"
    manifest config connections "$BENCH_CONNECTIONS"
    manifest config rate_share "$BENCH_RATE_SHARE"
    manifest config latency_connections "$BENCH_LATENCY_CONNECTIONS"
    manifest config threads "$BENCH_THREADS"
    manifest config telemetry_rounds "$BENCH_TELEMETRY_ROUNDS"
    manifest config stock_rate "$BENCH_STOCK_RATE"
    manifest config stock_duration_s "$BENCH_STOCK_DURATION"
    manifest config shop_loads "$BENCH_SHOP_LOADS"
    manifest config shop_orders "$BENCH_SHOP_ORDERS"
    manifest config shoppers "$BENCH_SHOPPERS"
    manifest config observed "${BENCH_OBSERVED:+1}"
    manifest config commit "${BENCH_COMMIT:-$(git -C "$AGORA_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)}"
    manifest config wrk "$(wrk -v 2>&1 | head -1 | awk '{print $2}' | sed 's|^debian/||')"
    manifest config haproxy "$(haproxy -v | head -1 | awk '{print $3}')"
    manifest config pgbench "$(pgbench --version | awk '{print $3}')"
    # go install stamps no version into vegeta: the install list says which one it built.
    manifest config vegeta "$(awk '$1 == "vegeta" {print $3}' "$DEPLOY_DIR/go-tools.txt")"

    # shellcheck source-path=SCRIPTDIR source=scenarios.sh
    source "$BENCH_DIR/scenarios.sh"
    run_scenarios
    # Peak memory of every process once every scenario ran.
    record_memory end

    step "Writing $BENCH_OUT"
    local verdict=0
    python3 "$BENCH_DIR/report.py" --results "$RESULTS" --out "$BENCH_OUT" || verdict=$?
    ((verdict != 2)) || die "the report could not be written"
    FINISHED=1
    ((verdict == 0)) || die "a target failed; see $BENCH_OUT"
    ok "every target passed: $BENCH_OUT"
}

main "$@"
