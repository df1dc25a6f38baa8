# shellcheck shell=bash
# The load scenarios of `make bench`, sourced by bench/run.sh once its platform answers.
#
# A scenario is one call: an id, a title, then one "name process url" triple per target. The first
# target is the one under test, the others are references measured the same way in the same rounds;
# the report gives the first target's ratio to each. A goal line makes a PASS/FAIL row of the report.
# URLs: $GATEWAY_URL, $HAPROXY_URL (HAProxy with the gateway's /auth/* route) and $AUTH_URL.

run_scenarios() {
    scenario auth-health "GET /auth/health: a call proxied to auth" \
        gateway gateway "$GATEWAY_URL/auth/health" \
        haproxy haproxy "$HAPROXY_URL/auth/health" \
        direct auth "$AUTH_URL/health"
    goal auth-health gateway haproxy 0.70
}
