#!/usr/bin/env bash
# `make bench`: builds the release binaries, starts a private platform on free loopback ports in a
# temporary directory (PostgreSQL, Redis, auth, the gateway, HAProxy in front of the same auth), runs
# the scenarios of bench/scenarios.sh and writes docs/benchmarks.md with bench/report.py.
#
# Knobs (environment): BENCH_DURATION (s per measurement, 10), BENCH_WARMUP (s, 2), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (wrk connections, 16), BENCH_RATE_SHARE (open-loop rate as a share of the slowest
# target's req/s, 0.25), BENCH_LATENCY_CONNECTIONS (vegeta's most connections, 64), BENCH_THREADS (event-loop threads of the gateway, auth and HAProxy, 1),
# BENCH_SKIP_BUILD=1 (use the binaries already built), BENCH_KEEP=1 (keep the temporary directory),
# BENCH_OUT (the report, docs/benchmarks.md), BENCH_UPSTREAM=gateway (a second gateway stands in for
# auth: checks the harness itself while auth is not built; the report says so).
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
: "${BENCH_SKIP_BUILD:=}"
: "${BENCH_KEEP:=}"
: "${BENCH_OUT:=$AGORA_ROOT/docs/benchmarks.md}"
: "${BENCH_UPSTREAM:=auth}"
: "${JOBS:=2}"

[[ "$BENCH_UPSTREAM" == auth || "$BENCH_UPSTREAM" == gateway ]] ||
    die "BENCH_UPSTREAM must be auth or gateway, not '$BENCH_UPSTREAM'"

# ---- processes ---------------------------------------------------------------------------------
# Every process we start, in start order: name, pid and the signal that stops it quickly.
PROC_NAMES=()
PROC_PIDS=()
PROC_SIGNALS=()
WORK=""
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

pid_of() {
    local i
    for i in "${!PROC_NAMES[@]}"; do
        if [[ "${PROC_NAMES[$i]}" == "$1" ]]; then
            echo "${PROC_PIDS[$i]}"
            return
        fi
    done
    die "no process named $1"
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

# Stops everything in reverse start order, on success, failure or interruption alike.
cleanup() {
    local rc=$? i
    trap - EXIT INT TERM
    for ((i = ${#PROC_PIDS[@]} - 1; i >= 0; i--)); do
        stop_one "${PROC_NAMES[$i]}" "${PROC_PIDS[$i]}" "${PROC_SIGNALS[$i]}"
    done
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

# fail_with_log <name> <message> : stops the run showing the end of a process's log.
fail_with_log() {
    tail -n 20 "$WORK/logs/$1.log" 2>/dev/null | sed 's/^/    | /' >&2 || true
    die "$2 (log: $WORK/logs/$1.log)"
}

# wait_for <name> <seconds> <check command...> : waits until the check passes while the process lives.
wait_for() {
    local name="$1" limit="$2" start=$SECONDS pid
    shift 2
    pid="$(pid_of "$name")"
    until "$@" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || fail_with_log "$name" "$name exited during start-up"
        ((SECONDS - start < limit)) || fail_with_log "$name" "$name was not ready within ${limit}s"
        sleep 0.2
    done
}

http_ok() { curl -fs -o /dev/null -m 2 "$1"; }

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
    local wanted=(agora-gateway) target targets=()
    [[ "$BENCH_UPSTREAM" == auth ]] && wanted+=(agora-auth)
    for target in "${wanted[@]}"; do
        if ninja -C "$BUILD_DIR" -t targets all 2>/dev/null | grep -q "^$target:"; then targets+=("$target"); fi
    done
    ((${#targets[@]} == 0)) || (cd "$AGORA_ROOT" && cmake --build --preset release --parallel "$JOBS" \
        --target "${targets[@]}") || die "building ${targets[*]} failed"
}

check_binaries() {
    GATEWAY_BIN="$(service_binary gateway)"
    AUTH_BIN="$(service_binary auth)"
    [[ -x "$GATEWAY_BIN" ]] || die "the gateway is not built: $GATEWAY_BIN is missing"
    if [[ "$BENCH_UPSTREAM" == auth && ! -x "$AUTH_BIN" ]]; then
        die "the auth service is not built: $AUTH_BIN is missing (BENCH_UPSTREAM=gateway checks the harness without it)"
    fi
    need_tool wrk "apt-get install -y wrk (or make install)"
    need_tool haproxy "apt-get install -y haproxy (or make install)"
    need_tool redis-server "apt-get install -y redis-server (or make install)"
    [[ -x "$PG_BIN/initdb" ]] || die "PostgreSQL 15 is missing ($PG_BIN): make install"
    VEGETA="$AGORA_BIN/vegeta"
    [[ -x "$VEGETA" ]] || VEGETA="$(command -v vegeta || true)"
    [[ -n "$VEGETA" ]] || die "vegeta is missing: make install builds it into $AGORA_BIN"
}

# ---- the private platform ----------------------------------------------------------------------
# PostgreSQL refuses root. setpriv execs in place, so the pid we hold is the postmaster's own.
AS_PG_USER=()
[[ $EUID -eq 0 ]] && AS_PG_USER=(setpriv --reuid "$PG_USER" --regid "$PG_USER" --init-groups --)

start_postgres() {
    local dir="$WORK/postgres"
    mkdir -p "$dir"
    [[ $EUID -eq 0 ]] && chown "$PG_USER:" "$dir"
    "${AS_PG_USER[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
        >"$WORK/logs/initdb.log" 2>&1 || fail_with_log initdb "initdb failed"
    spawn postgres INT "${AS_PG_USER[@]}" "$PG_BIN/postgres" -D "$dir/data" -p "$PG_PORT" -k "$dir" \
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off
    wait_for postgres 30 "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres
    "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'CREATE DATABASE agora_auth' \
        >"$WORK/logs/psql.log" 2>&1 || fail_with_log psql "cannot create the auth database"
}

start_redis() {
    mkdir -p "$WORK/redis"
    spawn redis TERM redis-server --bind 127.0.0.1 --port "$REDIS_BENCH_PORT" --save '' --appendonly no \
        --dir "$WORK/redis" --protected-mode no
    wait_for redis 15 redis-cli -h 127.0.0.1 -p "$REDIS_BENCH_PORT" ping
}

# Per-request logs would be a cost HAProxy does not pay here.
SERVICE_ENV=(AGORA_THREADS="$BENCH_THREADS" AGORA_LOG_LEVEL=warn)

start_auth() {
    if [[ "$BENCH_UPSTREAM" == gateway ]]; then
        # A stand-in: a second gateway, whose own /health is what the front gateway proxies to.
        spawn auth TERM env "${SERVICE_ENV[@]}" GATEWAY_HOST=127.0.0.1 GATEWAY_PORT="$AUTH_BENCH_PORT" \
            GATEWAY_AUTH_URL="http://127.0.0.1:$UNUSED_PORT" "$GATEWAY_BIN"
    else
        mkdir -p "$WORK/secrets"
        chmod 700 "$WORK/secrets"
        # RabbitMQ is left out on purpose: auth retries it in the background and /health does not use it,
        # while an idle Erlang VM would take CPU from the measured processes.
        spawn auth TERM env "${SERVICE_ENV[@]}" AUTH_HOST=127.0.0.1 AUTH_PORT="$AUTH_BENCH_PORT" \
            AUTH_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/agora_auth" \
            AUTH_REDIS_URL="redis://127.0.0.1:$REDIS_BENCH_PORT/0" \
            AUTH_AMQP_URL="amqp://guest:guest@127.0.0.1:$UNUSED_PORT/" \
            AUTH_JWT_KEY_FILE="$WORK/secrets/jwt-ed25519.pem" AUTH_CODE_PEPPER_FILE="$WORK/secrets/code-pepper" \
            "$AUTH_BIN"
    fi
    wait_for auth 60 http_ok "$AUTH_URL/health"
}

start_gateway() {
    # Rate limits off: one load generator on one address is exactly what they would stop, and the
    # HAProxy beside it has none.
    spawn gateway TERM env "${SERVICE_ENV[@]}" GATEWAY_RATE_LIMITS=false GATEWAY_HOST=127.0.0.1 \
        GATEWAY_PORT="$GATEWAY_BENCH_PORT" \
        GATEWAY_AUTH_URL="$AUTH_URL" GATEWAY_PRODUCT_URL="http://127.0.0.1:$UNUSED_PORT" \
        GATEWAY_ORDER_URL="http://127.0.0.1:$UNUSED_PORT" "$GATEWAY_BIN"
    wait_for gateway 30 http_ok "$GATEWAY_URL/auth/health"
}

start_haproxy() {
    local config="$WORK/haproxy.cfg"
    # The same route as the gateway's: /auth/* to auth with the prefix stripped, keep-alive on both sides.
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

backend auth
    http-request replace-path /auth(/.*) \1
    server auth 127.0.0.1:$AUTH_BENCH_PORT
EOF
    haproxy -c -q -f "$config" >"$WORK/logs/haproxy-check.log" 2>&1 ||
        fail_with_log haproxy-check "the generated HAProxy configuration is invalid"
    spawn haproxy TERM haproxy -db -f "$config"
    wait_for haproxy 15 http_ok "$HAPROXY_URL/auth/health"
}

# ---- measuring ---------------------------------------------------------------------------------
# The manifest tells report.py what ran; raw tool outputs sit beside it in results/.
manifest() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >>"$RESULTS/manifest.tsv"; }

record_memory() {
    local scenario="$1" i status hwm rss
    for i in "${!PROC_NAMES[@]}"; do
        status="/proc/${PROC_PIDS[$i]}/status"
        [[ -r "$status" ]] || continue
        hwm="$(awk '/^VmHWM:/ {print $2}' "$status")"
        rss="$(awk '/^VmRSS:/ {print $2}' "$status")"
        manifest memory "$scenario" "${PROC_NAMES[$i]}" "${hwm:-0}" "${rss:-0}"
    done
}

# throughput_of <wrk output> : its requests per second.
throughput_of() { awk '/^Requests\/sec:/ {print $2}' "$1"; }

median() { sort -g | awk '{v[NR] = $1} END {if (NR) print v[int((NR + 1) / 2)]; else print 0}'; }

# round_order <round> <count> : the target indexes for a round, reversed every other round so that
# no target always runs right after another one's load.
round_order() {
    if (($1 % 2)); then seq 0 $(($2 - 1)); else seq $(($2 - 1)) -1 0; fi
}

# scenario <id> <title> <target> <process> <url> [<target> <process> <url> ...]
# The first target is the one under test; the others are references measured the same way, in the
# same rounds. Each round measures every target once, in turn, so drift on the machine hits all alike;
# the report compares targets round by round.
scenario() {
    local id="$1" title="$2" names=() procs=() urls=() i round out rps slowest="" rate dir
    shift 2
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
    for i in "${!names[@]}"; do
        http_ok "${urls[$i]}" || die "scenario $id: ${urls[$i]} does not answer 2xx"
        manifest target "$id" "${names[$i]}" "${procs[$i]}" "${urls[$i]}"
    done

    step "Scenario $id: $title"
    for ((round = 1; round <= BENCH_ROUNDS; round++)); do
        for i in $(round_order "$round" "${#names[@]}"); do
            out="$dir/${names[$i]}.wrk.$round.txt"
            timeout $((BENCH_WARMUP + 30)) wrk -t1 -c"$BENCH_CONNECTIONS" -d"${BENCH_WARMUP}s" "${urls[$i]}" \
                >/dev/null 2>&1 || true
            timeout $((BENCH_DURATION + 30)) wrk -t1 -c"$BENCH_CONNECTIONS" -d"${BENCH_DURATION}s" --timeout 5s \
                "${urls[$i]}" >"$out" 2>&1 || die "wrk failed on ${urls[$i]}: $(tail -n 3 "$out")"
            rps="$(throughput_of "$out")"
            [[ -n "$rps" ]] || die "wrk printed no throughput for ${urls[$i]}: $(tail -n 3 "$out")"
            info "round $round/$BENCH_ROUNDS  ${names[$i]}: $rps req/s"
        done
    done

    # The open-loop rate: a share of the slowest target's median throughput, the same for every target.
    for i in "${!names[@]}"; do
        rps="$(for out in "$dir/${names[$i]}".wrk.*.txt; do throughput_of "$out"; done | median)"
        if [[ -z "$slowest" ]] || awk -v a="$rps" -v b="$slowest" 'BEGIN {exit !(a < b)}'; then slowest="$rps"; fi
    done
    rate="$(awk -v r="$slowest" -v s="$BENCH_RATE_SHARE" 'BEGIN {v = int(r * s); print (v < 1 ? 1 : v)}')"
    manifest rate "$id" "$rate"
    for ((round = 1; round <= BENCH_ROUNDS; round++)); do
        for i in $(round_order "$round" "${#names[@]}"); do
            out="$dir/${names[$i]}.vegeta.$round.json"
            printf 'GET %s\n' "${urls[$i]}" >"$dir/${names[$i]}.targets"
            timeout $((BENCH_DURATION + 30)) "$VEGETA" attack -targets="$dir/${names[$i]}.targets" -rate="$rate/1s" \
                -duration="${BENCH_DURATION}s" -timeout=5s -max-connections="$BENCH_LATENCY_CONNECTIONS" |
                timeout 60 "$VEGETA" report -type=json >"$out" ||
                die "vegeta failed on ${urls[$i]}"
            info "round $round/$BENCH_ROUNDS  ${names[$i]}: $rate req/s open loop, $(python3 -c \
                'import json,sys; d=json.load(open(sys.argv[1])); l=d["latencies"]; print("p50 %.0f us, p99 %.0f us, success %.4f" % (l["50th"]/1e3, l["99th"]/1e3, d["success"]))' \
                "$out")"
        done
    done
    record_memory "$id"
}

# goal <scenario> <target> <reference> <minimum ratio> : the target's req/s over the reference's
# must reach the minimum.
goal() { manifest goal "$@"; }

# ---- main --------------------------------------------------------------------------------------
main() {
    build
    check_binaries

    WORK="$(mktemp -d -t agora-bench.XXXXXX)"
    # The PostgreSQL user must reach its directory inside.
    chmod 755 "$WORK"
    mkdir -p "$WORK/logs" "$WORK/results"
    RESULTS="$WORK/results"

    local ports
    mapfile -t ports < <(free_ports 6)
    PG_PORT="${ports[0]}"
    REDIS_BENCH_PORT="${ports[1]}"
    AUTH_BENCH_PORT="${ports[2]}"
    GATEWAY_BENCH_PORT="${ports[3]}"
    HAPROXY_BENCH_PORT="${ports[4]}"
    # Nothing listens here: the upstreams the bench does not use.
    UNUSED_PORT="${ports[5]}"
    AUTH_URL="http://127.0.0.1:$AUTH_BENCH_PORT"
    GATEWAY_URL="http://127.0.0.1:$GATEWAY_BENCH_PORT"
    HAPROXY_URL="http://127.0.0.1:$HAPROXY_BENCH_PORT"

    step "Starting a private platform in $WORK"
    start_postgres
    start_redis
    start_auth
    start_gateway
    start_haproxy
    ok "postgres :$PG_PORT, redis :$REDIS_BENCH_PORT, auth :$AUTH_BENCH_PORT, gateway :$GATEWAY_BENCH_PORT, haproxy :$HAPROXY_BENCH_PORT"

    manifest config upstream "$BENCH_UPSTREAM"
    manifest config duration_s "$BENCH_DURATION"
    manifest config warmup_s "$BENCH_WARMUP"
    manifest config rounds "$BENCH_ROUNDS"
    manifest config connections "$BENCH_CONNECTIONS"
    manifest config rate_share "$BENCH_RATE_SHARE"
    manifest config latency_connections "$BENCH_LATENCY_CONNECTIONS"
    manifest config threads "$BENCH_THREADS"
    manifest config commit "$(git -C "$AGORA_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    manifest config wrk "$(wrk -v 2>&1 | head -1 | awk '{print $2}' | sed 's|^debian/||')"
    manifest config haproxy "$(haproxy -v | head -1 | awk '{print $3}')"
    # go install stamps no version into vegeta: the install list says which one it built.
    manifest config vegeta "$(awk '$1 == "vegeta" {print $3}' "$DEPLOY_DIR/go-tools.txt")"

    # shellcheck source-path=SCRIPTDIR source=scenarios.sh
    source "$BENCH_DIR/scenarios.sh"
    run_scenarios

    step "Writing $BENCH_OUT"
    local verdict=0
    python3 "$BENCH_DIR/report.py" --results "$RESULTS" --out "$BENCH_OUT" || verdict=$?
    ((verdict != 2)) || die "the report could not be written"
    FINISHED=1
    ((verdict == 0)) || die "a target failed; see $BENCH_OUT"
    ok "every target passed: $BENCH_OUT"
}

main "$@"
