# shellcheck shell=bash
# The load scenarios of `make bench`, sourced by bench/run.sh once its platform answers.
#
# A scenario is one call: an id, a title, options, then one "name process url" triple per target. The
# first target is the one under test, the others are references measured the same way in the same
# rounds; the report gives the first target's ratio to each. Goal lines make the PASS/FAIL rows.
# URLs: $GATEWAY_URL, $HAPROXY_URL (HAProxy with the gateway's /auth/* and /products/* routes and no
# token check), $AUTH_URL, $PRODUCT_URL; pgbench:select, pgbench:tpcb and pgbench:list (the product
# service's list statements, bench/product_list.sql) run pgbench on the product database. $TOKEN is a
# valid bearer token, $PRODUCT_ID a product with stock for every order, among BENCH_CATALOGUE more.

run_scenarios() {
    # The cheapest public call the gateway forwards (it never forwards a service's probes).
    scenario auth-jwks "GET /auth/.well-known/jwks.json: a call proxied to auth" \
        gateway gateway "$GATEWAY_URL/auth/.well-known/jwks.json" \
        haproxy haproxy "$HAPROXY_URL/auth/.well-known/jwks.json" \
        direct auth "$AUTH_URL/.well-known/jwks.json"
    goal auth-jwks gateway haproxy 0.95

    # Issues 3, 4 and 22: one product read with a valid token, which the gateway checks and HAProxy does not.
    scenario product-get "GET /products/{id} with a valid token" \
        --header "Authorization: Bearer $TOKEN" \
        gateway gateway "$GATEWAY_URL/products/$PRODUCT_ID" \
        haproxy haproxy "$HAPROXY_URL/products/$PRODUCT_ID" \
        direct product "$PRODUCT_URL/products/$PRODUCT_ID" \
        pgbench-select pgbench pgbench:select
    goal product-get gateway pgbench-select 0.60
    goal product-get gateway haproxy 0.95
    p99_ratio_goal product-get gateway haproxy 1.5

    # Issue 22: a page of 25 products (the page and the count, no token needed), against pgbench running
    # the same two statements; at 64 connections, the load that once drove the product service's memory
    # past 100 MiB (its memory goal below is read after this scenario too).
    scenario product-list "GET /products, a page of 25" --connections 64 \
        gateway gateway "$GATEWAY_URL/products?limit=25&page=2" \
        haproxy haproxy "$HAPROXY_URL/products?limit=25&page=2" \
        direct product "$PRODUCT_URL/products?limit=25&page=2" \
        pgbench-list pgbench pgbench:list
    goal product-list gateway pgbench-list 0.50

    # Issues 3 and 22: an order of one item end to end (reserve, two commits, the outbox), against TPC-B in
    # every round; the latency is taken at half the rate the throughput goal asks for (0.5 × 0.40 × TPC-B).
    scenario order-create "POST /orders, one item, through the gateway" \
        --header "Authorization: Bearer $TOKEN" --orders "$PRODUCT_ID" --rate-of pgbench-tpcb 0.20 \
        gateway gateway "$GATEWAY_URL/orders" \
        pgbench-tpcb pgbench pgbench:tpcb
    goal_rounds order-create gateway pgbench-tpcb 0.40
    p99_goal order-create gateway 25

    # Issues 3 and 22: from an order's commit to its stock confirmed in the product database, at a steady rate.
    order_stock order-stock "Order to stock at $BENCH_STOCK_RATE orders/s" "$PRODUCT_ID"
    confirm_goal order-stock 30

    # The storefront (docs/adr/0014-storefront-in-the-gateway.md): the catalogue shown and an order placed
    # in a real browser, one shopper at a time, with the API's latency for the same calls beside them. No
    # issue sets a time: the goal is a generous bound that only a broken page (a stalled script, a request
    # in a loop) would miss.
    storefront storefront "The storefront in Chromium: the catalogue shown, an order placed" "$PRODUCT_ID"
    browser_goal storefront catalogue_cold 1000

    # A shopper's mixed workload: many customers, each with a token of their own, browsing, searching,
    # reading products, ordering, paying and cancelling at once (bench/shop_mix.py). Its saturation rate in
    # a closed loop, then open loop at a quarter, a half and three quarters of it; at half, every route's
    # p99 within 20 ms.
    shop_mix shop-mix "A shopper's mixed workload through the gateway" "$PRODUCT_ID" 0.25 0.5 0.75
    mix_goal shop-mix 0.5 20

    # The Swarm issue: product-get's and order-create's calls through a stack's HAProxy and two gateways
    # (deploy/swarm), against the local gateway in the same rounds: the cost of containers and the
    # overlay network, and the memory of every container (BENCH_SWARM=1; the stack is removed after them).
    # With BENCH_SWARM_DATA=replicated, on the replicated data tier (docs/adr/0017): reads over two replicas
    # against the primary alone, and synchronous against asynchronous commits (no goal: they measure what
    # docs/adr/0017 decided by).
    swarm_scenarios swarm-product-get swarm-order-create \
        replicated-product-get replicated-product-list replicated-order-create

    # Issue 5: the cost of telemetry, the order scenario with every service tracing at 100% sampling to
    # Jaeger against tracing off, both in this run. Last, since it restarts the services at each switch.
    tracing_cost telemetry-cost "POST /orders, tracing at 100% sampling against tracing off" "$PRODUCT_ID"
    goal telemetry-cost tracing-on tracing-off 0.97

    local service
    for service in gateway auth product order mail; do memory_goal "$service" 64; done
    memory_goal gateway 48
}
