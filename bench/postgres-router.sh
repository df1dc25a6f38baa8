#!/usr/bin/env bash
# The router in front of the replicated PostgreSQL (docs/adr/0017-replicated-postgresql.md), measured:
# pgbench's read-only transaction (`-S -M prepared`) and its write transaction (TPC-B-like) through the
# stack's router (HAProxy asking Patroni's REST API, the service `postgres`), through pgpool-II (image
# agora/pgpool, started here on the stack's network with the three members as its backends and reads
# balanced over the replicas), and to a member directly, in the same rounds, each from a pgbench
# container on the stack's network. Then the write transaction through the router with commits
# synchronous to one replica (the stack's setting) against asynchronous, switched with Patroni's
# `synchronous_mode` between runs. Prints Markdown tables.
#
# Needs a stack deployed with AGORA_SWARM_DATA=replicated (AGORA_STACK names it; agora by default). It
# changes nothing of the stack: pgbench's tables live in a database of their own, removed at the end with
# the pgpool-II container. Knobs: BENCH_DURATION (s per measurement, 15), BENCH_ROUNDS (3),
# BENCH_CONNECTIONS (pgbench clients, 16), BENCH_SCALE (pgbench's scale, 10).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=../deploy/swarm/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../deploy/swarm/lib.sh"

: "${BENCH_DURATION:=15}"
: "${BENCH_ROUNDS:=3}"
: "${BENCH_CONNECTIONS:=16}"
: "${BENCH_SCALE:=10}"
NETWORK="${STACK}_agora"
DATABASE=agora_router_bench
POOL="${STACK}-router-bench-pgpool"
WORK="$AGORA_HOME/bench/postgres-router"

member_container() { docker ps -q --filter "label=com.docker.swarm.service.name=${STACK}_$1" | head -n 1; }

# The members by role, from Patroni: "leader replica replica".
roles() {
    local c
    c="$(member_container postgres-1)"
    [[ -n "$c" ]] || die "no task of ${STACK}_postgres-1: deploy the stack with AGORA_SWARM_DATA=replicated"
    docker exec "$c" patronictl -c /etc/patroni/patroni.yml list -f json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
leader = [r["Member"] for r in rows if r["Role"] == "Leader"]
replicas = sorted(r["Member"] for r in rows if r["Role"] != "Leader" and r["State"] in ("running", "streaming"))
if len(leader) != 1 or len(replicas) != 2:
    sys.exit(f"the cluster is not a primary and two replicas: {rows}")
print(leader[0], *replicas)'
}

# pgbench_on <host> <port> <pgbench arguments...> : one run's transactions per second.
pgbench_on() {
    local host="$1" port="$2"
    shift 2
    docker run --rm --network "$NETWORK" --env-file "$WORK/pg.env" --entrypoint /usr/lib/postgresql/15/bin/pgbench \
        "agora/postgres:$AGORA_TAG" -h "$host" -p "$port" -n "$@" "$DATABASE" 2>&1 |
        awk '/^tps = / { print $3; found = 1 } END { if (!found) exit 1 }'
}

# psql_on <host> <port> <database> <sql> : runs sql as PostgreSQL's superuser.
psql_on() {
    docker run --rm --network "$NETWORK" --env-file "$WORK/pg.env" --entrypoint psql "agora/postgres:$AGORA_TAG" \
        -h "$1" -p "$2" -d "$3" -X -q -At -v ON_ERROR_STOP=1 -c "$4"
}

# synchronous <true|false> : Patroni's synchronous_mode for the whole cluster, waited for on the primary.
synchronous() {
    local c want="" standby i
    c="$(member_container "$LEADER")"
    docker exec "$c" patronictl -c /etc/patroni/patroni.yml edit-config --force -s "synchronous_mode=$1" >/dev/null
    [[ "$1" == true ]] && want=x
    for ((i = 0; i < 30; i++)); do
        standby="$(psql_on postgres 5432 postgres "SHOW synchronous_standby_names")"
        if [[ -n "$want" && -n "$standby" ]] || [[ -z "$want" && -z "$standby" ]]; then return 0; fi
        sleep 1
    done
    die "synchronous_mode=$1 did not reach the primary (synchronous_standby_names '$standby')"
}

cleanup() {
    [[ -n "${LEADER:-}" ]] && synchronous true 2>/dev/null
    docker rm -f "$POOL" >/dev/null 2>&1 || true
    if [[ -s "$WORK/pg.env" ]]; then psql_on postgres 5432 postgres "DROP DATABASE IF EXISTS $DATABASE" || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

read -r LEADER REPLICA_A REPLICA_B < <(roles)
step "Cluster: $LEADER leads, $REPLICA_A and $REPLICA_B replicate"
docker image inspect "agora/pgpool:$AGORA_TAG" >/dev/null 2>&1 || "$SWARM_DIR/build.sh" infra pgpool

mkdir -p "$WORK"
chmod 755 "$WORK"
password="$(cat "$SWARM_SECRETS/postgres-superuser-password")"
(umask 077 && printf 'PGUSER=postgres\nPGPASSWORD=%s\n' "$password" >"$WORK/pg.env")
# pgpool-II's files, read by its unprivileged user in the container: a benchmark's copy, removed after.
{
    cat <<EOF
backend_clustering_mode = 'streaming_replication'
listen_addresses = '*'
port = 9999
unix_socket_directories = '/tmp'
pcp_socket_dir = '/tmp'
pcp_listen_addresses = ''
pid_file_name = '/tmp/pgpool.pid'
logdir = '/tmp'
num_init_children = $((BENCH_CONNECTIONS * 2))
max_pool = 1
connection_cache = on
load_balance_mode = on
sr_check_period = 10
sr_check_user = 'postgres'
sr_check_database = 'postgres'
health_check_period = 0
failover_on_backend_error = off
enable_pool_hba = on
pool_passwd = '/etc/pgpool-bench/pool_passwd'
EOF
    i=0
    # Reads go to the replicas (weight 1), as through the router's port 5433; writes to the primary.
    for member in "$LEADER" "$REPLICA_A" "$REPLICA_B"; do
        weight=1
        [[ "$member" == "$LEADER" ]] && weight=0
        printf "backend_hostname%d = '%s'\nbackend_port%d = 5432\nbackend_weight%d = %d\nbackend_flag%d = 'DISALLOW_TO_FAILOVER'\n" \
            "$i" "$member" "$i" "$i" "$weight" "$i"
        i=$((i + 1))
    done
} >"$WORK/pgpool.conf"
printf 'local all all trust\nhost all all 0.0.0.0/0 scram-sha-256\n' >"$WORK/pool_hba.conf"
printf 'postgres:%s\n' "$password" >"$WORK/pool_passwd"
: >"$WORK/pcp.conf"
chmod 644 "$WORK"/pgpool.conf "$WORK"/pool_hba.conf "$WORK"/pool_passwd "$WORK"/pcp.conf

step "pgbench's tables (scale $BENCH_SCALE) in $DATABASE, through the router to the primary"
psql_on postgres 5432 postgres "DROP DATABASE IF EXISTS $DATABASE"
psql_on postgres 5432 postgres "CREATE DATABASE $DATABASE"
docker run --rm --network "$NETWORK" --env-file "$WORK/pg.env" --entrypoint /usr/lib/postgresql/15/bin/pgbench \
    "agora/postgres:$AGORA_TAG" -h postgres -p 5432 -i -q -s "$BENCH_SCALE" "$DATABASE" >/dev/null 2>&1 ||
    die "pgbench -i failed"

step "pgpool-II on the stack's network (container $POOL)"
docker run -d --name "$POOL" --network "$NETWORK" --network-alias pgpool -v "$WORK:/etc/pgpool-bench:ro" \
    "agora/pgpool:$AGORA_TAG" >/dev/null
for ((i = 0; i < 30; i++)); do
    psql_on pgpool 9999 "$DATABASE" "SELECT 1" >/dev/null 2>&1 && break
    sleep 1
done
psql_on pgpool 9999 "$DATABASE" "SELECT 1" >/dev/null || { docker logs --tail 30 "$POOL" >&2; die "pgpool-II does not answer"; }

clients=(-c "$BENCH_CONNECTIONS" -j 2 -T "$BENCH_DURATION")
declare -A tps
# Each round measures every target once, in an order that turns, so that no target always runs first.
reads=("$REPLICA_A:5432" "postgres:5433" "pgpool:9999")
writes=("$LEADER:5432" "postgres:5432" "pgpool:9999")
for ((round = 0; round < BENCH_ROUNDS; round++)); do
    for ((k = 0; k < 3; k++)); do
        j=$(((k + round) % 3))
        for kind in reads writes; do
            if [[ "$kind" == reads ]]; then target="${reads[$j]}" args=(-S -M prepared); else target="${writes[$j]}" args=(-M prepared); fi
            printf '    round %d: %-6s %-22s ' $((round + 1)) "$kind" "$target"
            value="$(pgbench_on "${target%:*}" "${target#*:}" "${args[@]}" "${clients[@]}")" || die "pgbench on $target failed"
            printf '%s tps\n' "$value"
            tps["$kind $j"]+="$value "
        done
    done
done

median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
names=("a member directly" "HAProxy asking Patroni (the stack's router)" "pgpool-II")
echo
echo "| transaction | through | tps, each round | median | × directly |"
echo "|---|---|---|---|---|"
for kind in reads writes; do
    base="$(median <<<"${tps["$kind 0"]}")"
    for j in 0 1 2; do
        med="$(median <<<"${tps["$kind $j"]}")"
        label="pgbench -S (read-only, prepared), to a replica"
        [[ "$kind" == writes ]] && label="pgbench TPC-B-like (prepared), to the primary"
        printf '| %s | %s | %s | %.0f | %.2f× |\n' "$label" "${names[$j]}" "$(printf '%.0f ' ${tps["$kind $j"]})" \
            "$med" "$(awk -v a="$med" -v b="$base" 'BEGIN { print a / b }')"
    done
done

step "Commits synchronous to one replica against asynchronous (TPC-B-like through the router)"
declare -A commit
for ((round = 0; round < BENCH_ROUNDS; round++)); do
    for mode in $( ((round % 2)) && echo "false true" || echo "true false"); do
        synchronous "$mode"
        printf '    round %d: synchronous_mode=%-5s ' $((round + 1)) "$mode"
        value="$(pgbench_on postgres 5432 -M prepared "${clients[@]}")" || die "pgbench through the router failed"
        printf '%s tps\n' "$value"
        commit["$mode"]+="$value "
    done
done
synchronous true
echo
echo "| commits | tps, each round | median | × synchronous |"
echo "|---|---|---|---|"
base="$(median <<<"${commit[true]}")"
for mode in true false; do
    med="$(median <<<"${commit[$mode]}")"
    label="synchronous to one replica (the stack's)"
    [[ "$mode" == false ]] && label="asynchronous"
    printf '| %s | %s | %.0f | %.2f× |\n' "$label" "$(printf '%.0f ' ${commit[$mode]})" "$med" \
        "$(awk -v a="$med" -v b="$base" 'BEGIN { print a / b }')"
done
echo
echo "| container (after the runs) | memory (its cgroup's, docker stats) | CPU now |"
echo "|---|---|---|"
docker stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.CPUPerc}}' \
    $(docker ps -q --filter "label=com.docker.stack.namespace=$STACK") |
    awk -v s="${STACK}_" '{ split($1, n, "."); sub("^" s, "", n[1]) }
        n[1] ~ /^(postgres|etcd)/ { printf "| %s | %s | %s |\n", n[1], $2, $5 }' | sort
echo
echo "$BENCH_CONNECTIONS clients, ${BENCH_DURATION} s per measurement, $BENCH_ROUNDS rounds, scale $BENCH_SCALE; commit $AGORA_COMMIT."
