"""A Redis Cluster master killed under load (deploy/swarm/replicated/redis.yml): its replica is promoted,
Swarm replaces the killed task and it rejoins as a replica, the requests go on, and no order request is
placed twice, although each is sent twice at once and resent after a failure with its request_id (the
lock in Redis first, the database's unique constraint behind it). Results go to docs/resilience.md."""
import json
import os
import threading
import time
import urllib.parse
import urllib.request
import uuid

import pytest

import report
import swarm
from load import Load
from test_resilience import judge, shop  # noqa: F401 (shop is a fixture)

pytestmark = pytest.mark.replicated

NODES = ("redis", "redis-2", "redis-3", "redis-4", "redis-5", "redis-6")
MASTERS = 3


class Node:
    """One line of CLUSTER NODES: a node's id, its host name, its flags, its master's id (a replica's) and
    whether it serves slots."""

    def __init__(self, line):
        fields = line.split()
        self.id, self.flags, self.master_of = fields[0], fields[2].split(","), fields[3]
        self.host = fields[1].split(",")[1] if "," in fields[1] else ""
        self.linked = fields[7] == "connected" or "myself" in self.flags
        self.ranges = [r for r in fields[8:] if not r.startswith("[")]  # "[...]": a slot being moved
        self.slots = bool(self.ranges)

    def serves(self, slot):
        return any(int(r.split("-")[0]) <= slot <= int(r.split("-")[-1]) for r in self.ranges)

    @property
    def failed(self):
        return "fail" in self.flags or "fail?" in self.flags or "noaddr" in self.flags

    @property
    def master(self):
        return "master" in self.flags and self.slots and not self.failed


def cluster_nodes(service):
    return [Node(line) for line in swarm.exec_in(service, "redis-cli", "CLUSTER", "NODES").splitlines() if line]


def cluster_state(service):
    info = swarm.exec_in(service, "redis-cli", "CLUSTER", "INFO")
    return next((line.split(":")[1].strip() for line in info.splitlines() if line.startswith("cluster_state:")), "")


def whole(service):
    """The cluster as `service` sees it has three working masters with a linked replica each, and no node
    it has lost."""
    nodes = cluster_nodes(service)
    masters = {n.id for n in nodes if n.master}
    replicas = [n for n in nodes if "slave" in n.flags and not n.failed and n.linked and n.master_of in masters]
    return (len(masters) == MASTERS and len(replicas) == len(NODES) - MASTERS and
            all(n.linked and not n.failed for n in nodes) and len(nodes) == len(NODES))


def wait_for(condition, deadline, what):
    """Seconds until `condition()` held (a failing docker call counts as not yet)."""
    start = time.monotonic()
    while time.monotonic() - start < deadline:
        try:
            if condition():
                return time.monotonic() - start
        except Exception:  # noqa: BLE001 - a node being replaced does not answer
            pass
        time.sleep(0.5)
    raise AssertionError(f"{what} not within {deadline}s")


def cluster_whole():
    return all(cluster_state(node) == "ok" and whole(node) for node in NODES)


class TwinLoad(Load):
    """Load whose buyers send every order twice at once, with one request_id from two connections, and
    resend an attempt that failed (5xx, no answer, or 409 while the twin's is in progress) with the same
    request_id, as a client does when an answer is late. Every order id answered 2xx is kept per request."""

    RESENDS = 5

    def __init__(self, products, tokens, **kwargs):
        super().__init__(products, tokens, **kwargs)
        self.answers = {}  # request_id -> order ids answered 2xx for it

    def _buy(self, token):
        pair, shared = threading.Barrier(2), {}
        twin = threading.Thread(target=self._twin, args=(token, pair, shared, False), daemon=True)
        twin.start()
        self._twin(token, pair, shared, True)
        twin.join()

    def _twin(self, token, pair, shared, leader):
        conn = self._connect()
        try:
            for n in range(1_000_000):
                if leader:
                    # The same body from both, as a resent request would be.
                    shared["body"] = {"request_id": uuid.uuid4().hex, "description": "redis failover",
                                      "items": [{"product_id": self.products[n % len(self.products)], "quantity": 1}]}
                    shared["go"] = self._running()
                    with self._lock:
                        self.answers.setdefault(shared["body"]["request_id"], set())
                pair.wait(timeout=60)
                if not shared["go"]:
                    break
                self._order(conn, token, shared["body"])
                pair.wait(timeout=60)  # both answered before the next request
                time.sleep(self.pause * 5)
        except threading.BrokenBarrierError:
            pass
        finally:
            pair.abort()
            conn.close()

    def _order(self, conn, token, body):
        for _ in range(self.RESENDS):
            outcome, data = self._send(conn, "order", "POST", "/orders", body, token)
            if 200 <= outcome.status < 300:
                order_id = json.loads(data)["data"]["id"]
                with self._lock:
                    answered = self.answers[body["request_id"]]
                    if order_id not in answered:
                        self.orders.append((order_id, token))
                    answered.add(order_id)
                return
            if not outcome.failed and outcome.status != 409:
                return
            time.sleep(0.2)


def placed_twice(load):
    """Request ids that got 2xx answers naming different orders, or that have more than one order in the
    order database, or whose answered order is not the one the database holds for it."""
    answered = {rid: ids for rid, ids in load.answers.items() if ids}
    wrong = [rid for rid, ids in answered.items() if len(ids) > 1]
    assert load.answers, "no order request was sent"
    ids = ",".join(f"'{rid}'" for rid in load.answers)  # hex digits only
    rows = swarm.query("order", f"SELECT request_id, count(*), min(id) FROM orders "
                                f"WHERE request_id IN ({ids}) GROUP BY request_id")
    stored = {rid: (int(count), int(first)) for rid, count, first in rows}
    wrong += [rid for rid, (count, _) in stored.items() if count > 1]
    wrong += [rid for rid, ids in answered.items() if stored.get(rid, (0, 0))[1] not in ids]
    return sorted(set(wrong)), len(answered)


def test_killed_redis_master_fails_over_and_no_order_is_placed_twice(shop):  # noqa: F811
    products, tokens = shop
    wait_for(cluster_whole, 120, "a whole cluster before the test")
    victim = next(n for n in cluster_nodes(NODES[-1]) if n.master and n.serves(0))
    assert victim.host in NODES, f"the master of slot 0 is named {victim.host!r}, not a node's host name"
    witness = next(node for node in NODES if node != victim.host)

    def promoted():
        masters = [n.id for n in cluster_nodes(witness) if n.master]
        return len(masters) == MASTERS and victim.id not in masters

    with TwinLoad(products, tokens) as load:
        time.sleep(10)
        killed_at = time.monotonic()
        start = killed_at - load.started
        swarm.kill_one(victim.host)
        to_promotion = wait_for(promoted, 60, f"the promotion of the replica of {victim.host}")
        to_replaced = swarm.wait_all_running(victim.host, since=killed_at)
        wait_for(cluster_whole, 120, "the cluster whole again")
        to_whole = time.monotonic() - killed_at
        end = time.monotonic() - load.started
        time.sleep(10)
        load.stop()
    twice, answered = placed_twice(load)
    failed_at = [o.at for o in load.between(start, end) if o.failed]
    rows = [("killed master", victim.host),
            ("replica promoted after", f"{to_promotion:.1f} s"),
            ("last failed request after", f"{max(failed_at) - start:.1f} s" if failed_at else "none failed"),
            ("killed task replaced and healthy after", f"{to_replaced:.1f} s"),
            ("cluster whole again (3 masters, a replica each) after", f"{to_whole:.1f} s"),
            ("order requests, each sent twice at once", len(load.answers)),
            ("order requests answered 2xx", answered),
            ("order requests placed twice", len(twice))]
    for what, value in rows:
        print(f"redis failover: {what}: {value}")
    judge(load, "redis-failover", "A Redis Cluster master killed under load (from the kill until the cluster is whole)",
          (start, end), 0.01, rows)
    assert twice == [], f"request ids placed twice: {twice[:5]}"


def test_prometheus_scrapes_the_exporter_of_every_redis_node():
    """Each node's exporter answers Prometheus as the job `redis`, and says it is a node of a cluster."""
    base = f"http://127.0.0.1:{os.environ.get('PROMETHEUS_PORT', '9090')}/api/v1/query?query="

    def instances(query):
        with urllib.request.urlopen(base + urllib.parse.quote(query), timeout=10) as res:
            return {r["metric"]["instance"] for r in json.load(res)["data"]["result"] if r["value"][1] == "1"}

    want = {f"{node}:9121" for node in NODES}
    wait_for(lambda: instances('up{job="redis"}') == want, 120, "every Redis node scraped")
    assert instances('redis_instance_info{job="redis", redis_mode="cluster"}') == want
