# shellcheck shell=bash
# The Swarm side of `BENCH_SWARM=1 make bench`, sourced by bench/run.sh: a stack of its own
# (deploy/swarm/up.sh with bench/swarm-stack.yml on top), deployed beside the local platform on ports of
# its own, measured through its HAProxy in the same rounds as the local gateway, then removed with its
# volumes, on failure too. Other stacks on the machine are never touched.

: "${BENCH_SWARM:=}"
: "${BENCH_SWARM_STACK:=agora-bench}"
# The stack's overlay network: a subnet no other stack of the machine uses.
: "${BENCH_SWARM_SUBNET:=10.232.0.0/16}"
: "${BENCH_SWARM_WAIT:=300}"
# Seconds of product reads, then of orders, through a stack just deployed before it is measured.
: "${BENCH_SWARM_WARMUP:=15}"
# The stack's data tier (deploy/swarm/lib.sh's AGORA_SWARM_DATA): single, or replicated, which adds the
# replicated-* scenarios below (replicas against the primary alone, synchronous against asynchronous commits).
: "${BENCH_SWARM_DATA:=single}"

SWARM_DEPLOYED=""
SWARM_URL=""
SWARM_TOKEN=""
SWARM_PRODUCT_ID=""
# The local platform's token, which the scenarios' before-hook puts back for the local target.
LOCAL_TOKEN=""

# swarm_env <command...> : a deploy/swarm script for the bench's stack, in an environment of its own, so
# that the local platform's moved ports and settings do not leak into the stack (its servers listen on
# their usual ports inside the containers). Only the published ports are the bench's.
swarm_env() {
    env -i PATH="$PATH" HOME="$HOME" TERM="${TERM:-dumb}" JOBS="$JOBS" \
        AGORA_HOME="$AGORA_HOME" AGORA_STACK="$BENCH_SWARM_STACK" AGORA_SWARM_SUBNET="$BENCH_SWARM_SUBNET" \
        AGORA_SWARM_DATA="$BENCH_SWARM_DATA" \
        AGORA_SWARM_WAIT="$BENCH_SWARM_WAIT" AGORA_SKIP_BUILD="${BENCH_SKIP_BUILD:+1}" \
        AGORA_SWARM_OVERRIDE="$BENCH_DIR/swarm-stack.yml" BENCH_ROUTES_FILE="$GATEWAY_ROUTES_FILE" \
        "${SWARM_PORTS[@]}" "$@"
}

# swarm_up : deploys the bench's stack and waits until every task is healthy. The images are built
# unless BENCH_SKIP_BUILD is set (then those of the checkout's commit must exist).
swarm_up() {
    command -v docker >/dev/null || die "docker is missing: make swarm-up installs it"
    docker info >/dev/null 2>&1 || die "dockerd is not running (make swarm-up starts it)"
    if docker stack ls --format '{{.Name}}' | grep -qx "$BENCH_SWARM_STACK"; then
        die "a stack $BENCH_SWARM_STACK is already deployed: remove it (AGORA_STACK=$BENCH_SWARM_STACK make swarm-down) or set BENCH_SWARM_STACK"
    fi
    local names ports i
    # The ports the stack publishes, as deploy/swarm/lib.sh lists them, each moved to a free one.
    read -ra names < <(env -i PATH="$PATH" HOME="$HOME" AGORA_HOME="$AGORA_HOME" \
        bash -c 'source "$1" && echo "${SWARM_PORT_VARS[*]}"' _ "$AGORA_ROOT/deploy/swarm/lib.sh")
    mapfile -t ports < <(free_ports ${#names[@]})
    SWARM_PORTS=()
    for i in "${!names[@]}"; do
        SWARM_PORTS+=("${names[$i]}=${ports[$i]}")
        if [[ "${names[$i]}" == GATEWAY_PORT ]]; then SWARM_URL="http://127.0.0.1:${ports[$i]}"; fi
    done
    [[ -n "$SWARM_URL" ]] || die "deploy/swarm/lib.sh publishes no GATEWAY_PORT (SWARM_PORT_VARS)"
    step "Deploying the stack $BENCH_SWARM_STACK (deploy/swarm/up.sh, log: $WORK/logs/swarm-up.log)"
    SWARM_DEPLOYED=1
    swarm_env "$AGORA_ROOT/deploy/swarm/up.sh" >"$WORK/logs/swarm-up.log" 2>&1 ||
        fail_with_log "$WORK/logs/swarm-up.log" "the stack $BENCH_SWARM_STACK did not become healthy"
    local image
    image="$(docker service inspect -f '{{.Spec.TaskTemplate.ContainerSpec.Image}}' "${BENCH_SWARM_STACK}_gateway")"
    manifest config swarm_images "${image%%@*}"
    manifest config swarm_stack "$BENCH_SWARM_STACK"
    ok "stack $BENCH_SWARM_STACK: HAProxy on $SWARM_URL"
}

# swarm_remove : removes the bench's stack and its volumes, if this run deployed it (cleanup calls it).
swarm_remove() {
    [[ -n "$SWARM_DEPLOYED" ]] || return 0
    SWARM_DEPLOYED=""
    swarm_env "$AGORA_ROOT/deploy/swarm/down.sh" >"$WORK/logs/swarm-down.log" 2>&1 ||
        warn "removing the stack $BENCH_SWARM_STACK failed; see $WORK/logs/swarm-down.log"
    local volumes i
    for ((i = 0; i < 30; i++)); do
        mapfile -t volumes < <(docker volume ls -q --filter "label=com.docker.stack.namespace=$BENCH_SWARM_STACK")
        ((${#volumes[@]} == 0)) && return 0
        docker volume rm "${volumes[@]}" >>"$WORK/logs/swarm-down.log" 2>&1 || true
        sleep 1
    done
    warn "volumes of $BENCH_SWARM_STACK are left: ${volumes[*]}"
}

# The stack's own customer and product, as prepare_data makes the local ones: the seeded admin's token
# (its password is one of the stack's generated secrets) and a product with stock for every order.
swarm_prepare_data() {
    local res password
    password="$(cat "$AGORA_HOME/swarm/secrets/admin-password")"
    res="$(curl -fsS -m 10 -H 'Content-Type: application/json' \
        -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$password\"}" "$SWARM_URL/auth/login")" ||
        die "cannot log in as $ADMIN_EMAIL through the stack's HAProxy"
    SWARM_TOKEN="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["access_token"])' <<<"$res")"
    res="$(curl -fsS -m 10 -H 'Content-Type: application/json' -H "Authorization: Bearer $SWARM_TOKEN" \
        -d '{"name":"bench shoe","description":"stocked for the load scenarios","price":"25.50","quantity":2000000000}' \
        "$SWARM_URL/products")" || die "cannot create the bench's product through the stack's HAProxy"
    SWARM_PRODUCT_ID="$(python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["id"])' <<<"$res")"
    LOCAL_TOKEN="$TOKEN"
}

# swarm_warm_up : a stack that has just become healthy is still starting (Kafka's JVM compiling, pools
# and connections opening, Prometheus's first scrapes): its first rounds measured about half of its
# later ones. Loads it with both calls first, as the tracing scenario does after each restart.
swarm_warm_up() {
    info "warming the stack up: ${BENCH_SWARM_WARMUP}s of product reads, then of orders"
    S_CONNECTIONS="$BENCH_CONNECTIONS"
    S_HEADERS=("Authorization: Bearer $SWARM_TOKEN")
    S_ORDERS=""
    throughput_run "$SWARM_URL/products/$SWARM_PRODUCT_ID" "$BENCH_SWARM_WARMUP" /dev/null swarm-warm || true
    S_ORDERS="$SWARM_PRODUCT_ID"
    throughput_run "$SWARM_URL/orders" "$BENCH_SWARM_WARMUP" /dev/null "swarm-warm$SECONDS" || true
}

# swarm_side <target> : the scenarios' before-hook. Each side has its own signing key and product, so
# the token (and, for orders, the product) follows the target about to be measured.
swarm_side() {
    local token="$LOCAL_TOKEN" product="$PRODUCT_ID"
    if [[ "$1" == swarm ]]; then
        token="$SWARM_TOKEN"
        product="$SWARM_PRODUCT_ID"
    fi
    TOKEN="$token"
    S_HEADERS=("Authorization: Bearer $token")
    if [[ -n "$S_ORDERS" ]]; then S_ORDERS="$product"; fi
}

# record_containers <scenario> : every task container of the stack: the VmHWM and VmRSS of its largest
# process (the figures record_memory reads of a local process: the JVM in Kafka's, not its entrypoint)
# and the PSS of all its processes together (resident memory with each shared page split among the
# processes that map it, so PostgreSQL's shared buffers count once over its backends).
record_containers() {
    local scenario="$1" id name task pid pids hwm rss pss top_hwm top_rss total
    while read -r id name; do
        mapfile -t pids < <(docker top "$id" -eo pid 2>/dev/null | tail -n +2)
        top_hwm=0 top_rss=0 total=0
        for pid in "${pids[@]}"; do
            read -r rss hwm < <(awk '/^VmRSS:/ {r = $2} /^VmHWM:/ {h = $2} END {print r + 0, h + 0}' \
                "/proc/$pid/status" 2>/dev/null || echo 0 0)
            pss="$(awk '/^Pss:/ {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || true)"
            total=$((total + ${pss:-0}))
            if ((rss > top_rss)); then top_rss=$rss top_hwm=$hwm; fi
        done
        # <stack>_<service>.<slot>.<task id>, or <stack>_<service>.<node id>.<task id> for HAProxy, one per node.
        name="${name#"${BENCH_SWARM_STACK}_"}"
        task="${name%%.*}"
        name="${name#*.}"
        if [[ "${name%%.*}" =~ ^[0-9]+$ ]]; then task+=".${name%%.*}"; fi
        manifest container "$scenario" "$task" "$top_hwm" "$top_rss" "$total"
    done < <(docker ps --filter "label=com.docker.stack.namespace=$BENCH_SWARM_STACK" --format '{{.ID}} {{.Names}}' |
        sort -k2)
}

# swarm_measured <scenario> : marks a scenario that ran as one of the stack's for the report, with the
# memory of every container after it.
swarm_measured() {
    wanted "$1" || return 0
    manifest swarm "$1"
    record_containers "$1"
}

# ---- the replicated data tier (BENCH_SWARM_DATA=replicated) ----------------------------------------
# The arms the stack runs in: where the product service's queries go, and how the primary commits.
READS_ARM=replicas
COMMITS_ARM=synchronous

# swarm_catalogue : BENCH_CATALOGUE products with a kilobyte of description each, as prepare_data makes
# the local catalogue, created through the stack's API (its database is reached only inside the stack).
swarm_catalogue() {
    local n description
    description="$(for _ in {1..15}; do printf 'Its description runs to about a kilobyte, as a shop%ss often does. ' "'"; done)"
    info "creating $BENCH_CATALOGUE products in the stack for the list pages"
    for ((n = 1; n <= BENCH_CATALOGUE; n++)); do
        curl -fsS -m 10 -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $SWARM_TOKEN" \
            -d "{\"name\":\"bench product $n\",\"description\":\"Product number $n of the catalogue. $description\",\"price\":\"$((n % 500)).99\",\"quantity\":1000}" \
            "$SWARM_URL/products" || die "cannot create the stack's catalogue (product $n)"
    done
}

# reads_arm <arm> : the product service's queries to the two replicas (arm replicas, as deployed: its
# replica URL names the router's replicas port) or to the primary alone (arm primary: no replica URL, so
# every query goes with the writes). A switch updates the service, which restarts its tasks one by one,
# then loads it for BENCH_SWITCH_WARMUP s so that neither arm measures cold pools.
reads_arm() {
    local arm="$1" start change
    [[ "$arm" != "$READS_ARM" ]] || return 0
    case "$arm" in
        replicas) change=(--env-add PRODUCT_DATABASE_REPLICA_URL_FILE=/run/secrets/product-database-replica-url) ;;
        primary) change=(--env-rm PRODUCT_DATABASE_REPLICA_URL_FILE) ;;
        *) die "reads_arm: no arm $arm" ;;
    esac
    start=$SECONDS
    docker service update --quiet --detach=false "${change[@]}" "${BENCH_SWARM_STACK}_product" \
        >>"$WORK/logs/swarm-arms.log" 2>&1 || fail_with_log "$WORK/logs/swarm-arms.log" "switching product's reads to $arm failed"
    READS_ARM="$arm"
    info "reads from $arm: product's tasks restarted in $((SECONDS - start))s"
    throughput_run "$SWARM_URL/products?limit=25&page=2" "$BENCH_SWITCH_WARMUP" /dev/null "reads-$arm-switch$SECONDS" || true
}

# patroni <args...> : patronictl in the container of the first member running on this node.
patroni() {
    local member
    member="$(docker ps -q --filter "label=com.docker.stack.namespace=$BENCH_SWARM_STACK" \
        --filter "label=com.docker.swarm.service.name=${BENCH_SWARM_STACK}_postgres-1" | head -n 1)"
    [[ -n "$member" ]] || die "no running container of ${BENCH_SWARM_STACK}_postgres-1"
    docker exec "$member" patronictl -c /etc/patroni/patroni.yml "$@"
}

# commits_arm <arm> : the primary's commits acknowledged once one replica has them (synchronous, Patroni's
# synchronous_mode, as deployed) or at once (asynchronous). The switch is Patroni's dynamic configuration,
# no restart: it waits until a replica is named synchronous, or none is any more.
commits_arm() {
    local arm="$1" mode want i
    [[ "$arm" != "$COMMITS_ARM" ]] || return 0
    case "$arm" in
        synchronous) mode=true want=1 ;;
        asynchronous) mode=false want=0 ;;
        *) die "commits_arm: no arm $arm" ;;
    esac
    patroni edit-config --force -s "synchronous_mode=$mode" >>"$WORK/logs/swarm-arms.log" 2>&1 ||
        fail_with_log "$WORK/logs/swarm-arms.log" "setting synchronous_mode=$mode failed"
    for ((i = 0; ; i++)); do
        (($(patroni list -f json | python3 -c 'import json,sys; print(sum(m["Role"] == "Sync Standby" for m in json.load(sys.stdin)))') == want)) && break
        ((i < 60)) || die "Patroni did not apply synchronous_mode=$mode within 30 s"
        sleep 0.5
    done
    COMMITS_ARM="$arm"
    info "commits $arm"
}

# replicated_scenarios <get id> <list id> <create id> : on a stack with the replicated data tier, product
# reads with the queries spread over the two replicas against the primary alone, and orders with
# synchronous against asynchronous commits, each pair in the same rounds; the stack is left as deployed.
replicated_scenarios() {
    local get="$1" list="$2" create="$3"
    [[ "$BENCH_SWARM_DATA" == replicated ]] || return 0
    if wanted "$list"; then swarm_catalogue; fi
    scenario "$get" "GET /products/{id} on the replicated stack: queries over the two replicas against the primary alone" \
        --header "Authorization: Bearer $SWARM_TOKEN" --before reads_arm \
        replicas stack "$SWARM_URL/products/$SWARM_PRODUCT_ID" \
        primary stack "$SWARM_URL/products/$SWARM_PRODUCT_ID"
    swarm_measured "$get"
    scenario "$list" "GET /products, a page of 25, on the replicated stack: queries over the two replicas against the primary alone" \
        --connections 64 --before reads_arm \
        replicas stack "$SWARM_URL/products?limit=25&page=2" \
        primary stack "$SWARM_URL/products?limit=25&page=2"
    swarm_measured "$list"
    reads_arm replicas
    TOKEN="$SWARM_TOKEN"  # the open-loop orders' targets carry it (order_targets.py)
    scenario "$create" "POST /orders, one item, on the replicated stack: commits synchronous to one replica against asynchronous" \
        --header "Authorization: Bearer $SWARM_TOKEN" --orders "$SWARM_PRODUCT_ID" --before commits_arm \
        synchronous stack "$SWARM_URL/orders" \
        asynchronous stack "$SWARM_URL/orders"
    swarm_measured "$create"
    commits_arm synchronous
    TOKEN="$LOCAL_TOKEN"
}

# swarm_scenarios <product-get id> <order-create id> [<replicated ids>...] : deploys the stack, runs
# product-get's and order-create's gateway scenarios with the stack's HAProxy as the target under test
# and the local gateway as the reference, then, on the replicated data tier, replicated_scenarios with
# the other ids; reads every container's memory and removes the stack. Nothing when BENCH_SWARM is
# unset or BENCH_ONLY names none of them.
swarm_scenarios() {
    local get="$1" create="$2" id any=""
    [[ -n "$BENCH_SWARM" ]] || return 0
    for id in "$@"; do if wanted "$id"; then any=1; fi; done
    [[ -n "$any" ]] || return 0
    swarm_up
    swarm_prepare_data
    swarm_warm_up
    scenario "$get" "GET /products/{id} with a valid token: the stack through HAProxy against the local gateway" \
        --before swarm_side \
        swarm stack "$SWARM_URL/products/$SWARM_PRODUCT_ID" \
        local gateway "$GATEWAY_URL/products/$PRODUCT_ID"
    swarm_measured "$get"
    scenario "$create" "POST /orders, one item: the stack through HAProxy against the local gateway" \
        --before swarm_side --orders "$PRODUCT_ID" \
        swarm stack "$SWARM_URL/orders" \
        local gateway "$GATEWAY_URL/orders"
    swarm_measured "$create"
    TOKEN="$LOCAL_TOKEN"
    replicated_scenarios "${@:3}"
    swarm_remove
}
