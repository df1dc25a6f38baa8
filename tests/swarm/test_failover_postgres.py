"""The replicated PostgreSQL (deploy/swarm/replicated/postgres.yml) under a bounded load of orders and product
reads: when the primary's task is killed Patroni promotes the synchronous replica and the router (the
`postgres` service, deploy/swarm/etc/postgres-router.cfg) follows it; when a replica's task is killed its
queries move to the other replica. Orders answered 2xx are looked for in the new primary's database itself.
Each test writes what it measured to docs/resilience.md."""
import json
import os
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

import report
import swarm
from load import Load, summary
from test_resilience import failures, shop  # noqa: F401 (shop is the fixture of both modules)

pytestmark = pytest.mark.replicated

MEMBERS = ("postgres-1", "postgres-2", "postgres-3")
# The gateway's deadlines of the upstreams the load calls (services/gateway/routes.conf), in seconds.
DEADLINES = {"order": 10.0, "product": 3.0, "catalogue": 3.0}
# Order creation must work again this soon after the primary is killed (measured: 8-12 s).
RECOVERY_S = 15.0
# Orders refused (503 with Retry-After) while a replica is away: when it was the synchronous one,
# commits wait until the primary lets it go (wal_sender_timeout, 5 s) and Patroni names the other, and
# an order that waits past its deadline is refused. Reads are never refused: a statement lost with its
# replica is sent again, and a connection the router hands to the dying member is made again
# (libs/pg/connection.hpp).
REFUSED_SHARE = 0.01


def container(service):
    ids = swarm.task_containers(service)
    assert ids, f"no running task of {service}"
    return ids[0]


def members():
    """Patroni's view of the cluster, {member: its row of `patronictl list`}, asked of the first member that
    answers; empty while none does."""
    for member in MEMBERS:
        ids = swarm.task_containers(member)
        if not ids:
            continue
        try:
            out = swarm.docker("exec", ids[0], "patronictl", "-c", "/etc/patroni/patroni.yml", "list", "-f", "json",
                               timeout=20)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            continue
        return {row["Member"]: row for row in json.loads(out)}
    return {}


def healthy(view):
    """The leader's name when the cluster has a running leader and two replicas following it, else None."""
    leaders = [m for m, row in view.items() if row["Role"] == "Leader" and row["State"] == "running"]
    following = [m for m, row in view.items() if row["Role"] != "Leader" and row["State"] in ("running", "streaming")]
    return leaders[0] if len(leaders) == 1 and len(following) == 2 else None


def wait_until(what, check, deadline):
    """The first true value of check(), polled every half second, or fails naming `what`."""
    until = time.monotonic() + deadline
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < until, f"{what} within {deadline:.0f} s; the cluster: {members()}"
        time.sleep(0.5)


def psql(member, database, sql):
    """The rows of `sql`, one per line, from the member's PostgreSQL through its socket."""
    return swarm.docker("exec", container(member), "psql", "-h", "/run/postgresql", "-U", "postgres", "-d", database,
                        "-At", "-c", sql, timeout=60)


def streaming(member):
    """Whether the member's task runs and its PostgreSQL streams from the primary. Asked of the server
    itself: Patroni's view keeps a killed member's last state until its key expires."""
    if not swarm.task_containers(member):
        return False
    try:
        return psql(member, "postgres", "SELECT status FROM pg_stat_wal_receiver").strip() == "streaming"
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, AssertionError):
        return False


def missing_orders(primary, orders):
    """The ids of the orders answered 2xx that the primary's order database does not hold."""
    ids = sorted({int(order_id) for order_id, _ in orders})
    if not ids:
        return []
    found = psql(primary, "agora_order", f"SELECT id FROM orders WHERE id = ANY('{{{','.join(map(str, ids))}}}')")
    held = {int(line) for line in found.split()}
    return [i for i in ids if i not in held]


def router_sessions():
    """{member: sessions it was given} of the router's replica port, from HAProxy's statistics."""
    out = swarm.docker("exec", container("postgres"), "bash", "-c",
                       "exec 3<>/dev/tcp/127.0.0.1/8404 && printf 'GET /stats;csv HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3")
    rows = [line.split(",") for line in out.splitlines() if line.startswith("replicas,")]
    return {row[1]: int(row[7] or 0) for row in rows if row[1] in MEMBERS}


def working_again(outcomes, kind):
    """When requests of `kind` began to succeed for good: the end of the first one answered 2xx after the
    last that was not, in seconds since the load began; None while the last was not."""
    of_kind = sorted((o for o in outcomes if o.kind == kind), key=lambda o: o.at)
    last_failed = max((i for i, o in enumerate(of_kind) if not 200 <= o.status < 300), default=-1)
    after = of_kind[last_failed + 1:]
    return after[0].at + after[0].took if after else None


def unclean(outcomes):
    """Requests refused otherwise than with a 503 and a Retry-After, or answered past their deadline."""
    return [o for o in outcomes
            if (o.failed and not (o.status == 503 and o.retry_after)) or o.took > DEADLINES[o.kind] + 1.0]


def prometheus_value(query):
    """The single value of a PromQL query to the stack's Prometheus, 0 when it has no result."""
    url = (f"http://127.0.0.1:{os.environ.get('PROMETHEUS_PORT', '9090')}/api/v1/query?query="
           + urllib.parse.quote(query))
    with urllib.request.urlopen(url, timeout=10) as res:
        result = json.load(res)["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0


def test_prometheus_has_what_the_postgres_alerts_ask_of_every_member():
    """Each member's Patroni is scraped as the job `patroni` with the metrics the alert rules query
    (deploy/prometheus/rules/agora.yml): one primary, two replicas, and their WAL positions."""
    wait_until("Prometheus scraping the three members",
               lambda: prometheus_value('count(up{job="patroni"} == 1)') == 3, 120)
    assert prometheus_value('count(patroni_primary{job="patroni"} == 1)') == 1
    assert prometheus_value('count(patroni_replica{job="patroni"} == 1)') == 2
    assert prometheus_value('count(patroni_xlog_location{job="patroni"})') >= 1
    assert prometheus_value('count(patroni_xlog_replayed_location{job="patroni"})') >= 2


def test_killed_replica_its_queries_move_to_the_other_without_a_failed_read(shop):  # noqa: F811
    products, tokens = shop
    leader = wait_until("a healthy cluster", lambda: healthy(members()), 180)
    victim = sorted(m for m in MEMBERS if m != leader)[0]
    other = next(m for m in MEMBERS if m not in (leader, victim))
    sessions_before = router_sessions()
    with Load(products, tokens) as load:
        time.sleep(10)
        killed = time.monotonic()
        start = killed - load.started
        swarm.docker("kill", container(victim))
        wait_until(f"{victim} back as a replica", lambda: streaming(victim), 120)
        rejoined = time.monotonic() - killed
        time.sleep(5)
        end = time.monotonic() - load.started
        load.stop()
    window = load.between(start, end)
    sent, failed, kinds = summary(window)
    reads = [o for o in window if o.kind != "order"]
    moved = router_sessions().get(other, 0) - sessions_before.get(other, 0)
    report.record("postgres-replica", "A PostgreSQL replica killed under load (from the kill until it is back)", [
        ("requests sent", sent),
        ("of them product and catalogue reads", len(reads)),
        ("failed (5xx or no answer)", failures(failed, sent, kinds)),
        ("of them orders", sum(1 for o in window if o.failed and o.kind == "order")),
        ("sessions the router gave the other replica meanwhile", moved),
        ("killed replica back, streaming", f"{rejoined:.1f} s"),
        ("primary", "unchanged" if healthy(members()) == leader else "changed"),
    ])
    assert sent > 500, "the load sent too few requests to judge"
    bad = unclean(window)
    assert not bad, [(o.kind, o.status, o.error, f"sent {o.at - start:.1f} s after the kill", f"took {o.took:.1f} s")
                     for o in bad][:10]
    failed_reads = [(o.kind, o.status, f"sent {o.at - start:.1f} s after the kill") for o in reads if o.failed]
    assert not failed_reads, failed_reads[:10]
    orders = [o for o in window if o.kind == "order"]
    assert sum(1 for o in orders if o.failed) <= REFUSED_SHARE * len(orders), [
        (o.status, f"sent {o.at - start:.1f} s after the kill") for o in orders if o.failed][:10]
    assert moved > 0, "no session went to the other replica"


def test_killed_primary_a_replica_takes_over_and_no_order_is_lost(shop):  # noqa: F811
    products, tokens = shop
    old = wait_until("a healthy cluster", lambda: healthy(members()), 180)
    with Load(products, tokens) as load:
        time.sleep(10)
        killed = time.monotonic()
        start = killed - load.started

        def new_leader():
            view = members()
            return next((m for m, row in view.items()
                         if m != old and row["Role"] == "Leader" and row["State"] == "running"), None)

        swarm.docker("kill", container(old))
        new = wait_until("a replica promoted", new_leader, 60)
        promoted = time.monotonic() - killed
        since = time.monotonic() - load.started
        wait_until("an order answered 2xx after the promotion",
                   lambda: working_again(load.between(since, float("inf")), "order"), 60)
        # The load goes on, so that orders failing again would show.
        time.sleep(10)
        end = time.monotonic() - load.started
        load.stop()
    wait_until(f"{old} back as a replica", lambda: streaming(old) and healthy(members()) == new, 180)
    rejoined = time.monotonic() - killed
    window = load.between(start, end)
    sent, failed, kinds = summary(window)
    refused = [o for o in window if o.status == 503]
    bad = unclean(window)
    again = working_again(window, "order")
    recovered = again - start if again is not None else float("inf")
    missing = missing_orders(new, load.orders)
    report.record("postgres-primary", "The PostgreSQL primary killed under load (from the kill to 10 s past "
                  "recovery)", [
        ("requests sent", sent),
        ("failed (5xx or no answer)", failures(failed, sent, kinds)),
        ("of them 503 with Retry-After", sum(1 for o in refused if o.retry_after)),
        ("other failures, or answers past the deadline", len(bad)),
        ("replica promoted after", f"{promoted:.1f} s"),
        ("order creation answered 2xx for good after", f"{recovered:.1f} s"),
        ("killed member back as a replica after", f"{rejoined:.1f} s"),
        ("orders answered 2xx", len(load.orders)),
        ("orders answered 2xx missing from the new primary's database", len(missing)),
    ])
    assert new != old
    assert recovered <= RECOVERY_S, f"order creation came back after {recovered:.1f} s"
    assert not bad, [(o.kind, o.status, o.error, round(o.took, 1)) for o in bad[:10]]
    assert missing == [], f"orders answered 2xx but not in the database: {missing[:10]}"
