"""The stack under a bounded load while tasks die and services are updated (tests/swarm/run.sh deploys it):
Swarm replaces a killed task, callers skip it meanwhile, and no order that was answered 2xx is lost. Each
test writes what it measured to docs/resilience.md."""
import concurrent.futures
import time
import uuid

import pytest

import report
import swarm
from agora_http import ADMIN_EMAIL, ADMIN_PASSWORD, call
from load import Load, summary
from test_signup import signed_up_user

SERVICES = ("gateway", "auth", "product", "order", "mail")


@pytest.fixture(scope="module")
def shop():
    """Products with stock enough for every order of the tests, and customers to place them."""
    res = call("POST", "/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert res.status == 200, res.body
    admin = res.json()["data"]["access_token"]
    products = []
    for _ in range(5):
        res = call("POST", "/products", {"name": f"swarm {uuid.uuid4().hex[:8]}", "description": "resilience",
                                          "price": "10", "quantity": 1_000_000}, token=admin)
        assert res.status == 201, res.body
        products.append(res.json()["data"]["id"])
    tokens = [signed_up_user()[1] for _ in range(3)]
    return products, tokens


def lost_orders(orders):
    """The orders answered 2xx during the load that their owner cannot find now (404). Reads refused for
    the rate limit, or while the order service is unavailable, wait their Retry-After and are asked again;
    any other answer fails the test."""
    def missing(entry):
        order_id, token = entry
        for _ in range(20):
            res = call("GET", f"/orders/{order_id}", token=token)
            if res.status in (429, 503):
                time.sleep(float(res.headers.get("Retry-After") or 1))
                continue
            assert res.status in (200, 404), f"order {order_id}: {res.status} {res.body[:200]}"
            return res.status == 404
        raise AssertionError(f"order {order_id}: still refused ({res.status})")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        return [entry[0] for entry, gone in zip(orders, pool.map(missing, orders)) if gone]


def failures(failed, sent, kinds):
    """"3 (0.03%): 502 x2, RemoteDisconnected x1" for the report."""
    listed = ", ".join(f"{kind} x{count}" for kind, count in sorted(kinds.items()))
    return f"{failed} ({percent(failed, sent)})" + (f": {listed}" if listed else "")


def percent(part, whole):
    return f"{100.0 * part / whole:.2f}%" if whole else "n/a"


def judge(load, name, title, window, share, extra_rows=()):
    """Records what the load saw in `window` (seconds since it began) in docs/resilience.md, then checks
    that no order answered 2xx is lost and that under `share` of the requests failed."""
    sent, failed, kinds = summary(load.between(*window))
    lost = lost_orders(load.orders)
    report.record(name, title, [
        ("requests sent", sent),
        ("failed (5xx or no answer)", failures(failed, sent, kinds)),
        *extra_rows,
        ("orders answered 2xx", len(load.orders)),
        ("orders lost", len(lost)),
    ])
    assert lost == [], f"orders answered 2xx but gone: {lost[:5]}"
    assert sent > 1000, "the load sent too few requests to judge"
    assert failed < share * sent, f"{failed} of {sent} requests failed: {kinds}"


def test_killed_tasks_are_replaced_and_no_order_is_lost(shop):
    products, tokens = shop
    replaced = {}
    with Load(products, tokens) as load:
        time.sleep(10)
        window_start = time.monotonic() - load.started
        for service in SERVICES:
            replaced[service] = time.monotonic()
            swarm.kill_one(service)
            time.sleep(3)
        for service in SERVICES:
            replaced[service] = swarm.wait_all_running(service, since=replaced[service])
        # Callers re-resolve names every few seconds: the minute of the test includes that settling.
        time.sleep(max(0.0, 60.0 - (time.monotonic() - load.started - window_start)))
        settled = time.monotonic() - load.started
        time.sleep(15)
        load.stop()
    after_sent, after_failed, after_kinds = summary(load.between(settled, float("inf")))
    judge(load, "kill", "One task of each service killed under load (the minute of the kills)",
          (window_start, settled), 0.01,
          [(f"{s}: killed task replaced and healthy after", f"{replaced[s]:.1f} s") for s in SERVICES]
          + [("requests sent in the 15 s after", after_sent), ("failed after", after_failed)])
    assert after_failed == 0, f"{after_failed} requests failed after the tasks were replaced: {after_kinds}"


def test_rolling_update_of_every_service_under_load(shop):
    products, tokens = shop
    took = {}
    with Load(products, tokens) as load:
        time.sleep(5)
        start = time.monotonic() - load.started
        for service in SERVICES:
            began = time.monotonic()
            swarm.rolling_update(service)
            took[service] = time.monotonic() - began
        end = time.monotonic() - load.started
        time.sleep(5)
        load.stop()
    judge(load, "rolling", "Rolling update of every service under load (during the updates)", (start, end), 0.001,
          [(f"{s}: every task replaced in", f"{took[s]:.1f} s") for s in SERVICES])
