#!/usr/bin/env python3
"""The storefront's timings in Debian's Chromium against a running platform, for the `storefront` scenario
of `make bench`: how long the catalogue page takes to show its products, in a fresh browser context (cold)
and again in the same one (warm), and how long "Place order" takes to show the order, with the API's own
latency for the same two calls beside them. Writes the samples, in milliseconds, as one JSON file that
bench/report.py summarises.

    AGORA_GATEWAY_URL=http://127.0.0.1:8000 AGORA_MAILPIT_URL=http://127.0.0.1:8025 \\
        storefront.py --product 7 --out results/storefront/storefront.json

The browser times are read from the page's own clock (the Performance API), not from Playwright's round
trips to the browser:
- catalogue: from the navigation's start (the document's time origin) to the first animation frame after
  the product cards entered the DOM, that is the frame that paints them;
- order: from the click on "Place order" (its event's timestamp) to the first animation frame after the new
  order's card, PENDING, entered "My orders" (the POST, the hash change, the list's GET and its drawing);
- in-page API: the page's GET /products and POST /orders from Resource Timing, whole (from the fetch()
  call, queueing in the browser included, to the last byte) and from the request's sending to the last
  byte (what the server and the loopback took, as the browser saw it).
The plain client sends the page's own GET /products?limit=10&page=1 (gzip accepted, as the browser does) and
one-item POST /orders one at a time on one keep-alive connection, as the signed-up customer, after the
browser has closed, in the same run.
"""
import argparse
import http.client
import json
import pathlib
import sys
import time
import urllib.parse
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
# The end-to-end suite's browser launch, shop journeys and sign-up through Mailpit are shared, not copied.
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from playwright.sync_api import expect  # noqa: E402

from agora_http import GATEWAY  # noqa: E402
from browser import chromium  # noqa: E402
from shop import Journey  # noqa: E402
from test_signup import PASSWORD, signed_up_user  # noqa: E402

# The page size of the catalogue (services/gateway/web/catalogue.js) and so the request it makes.
CATALOGUE_REQUEST = "/products?limit=10&page=1"
# Runs in every document before the page's scripts: notes, per watched element, the first animation frame
# after it entered the DOM. Keys: "catalogue" (a product card) and "order <id> <status>" (an order's card).
WATCH = """(() => {
  const shown = window.__benchShown = {};
  const note = (key) => {
    if (key in shown) return;
    shown[key] = null;
    requestAnimationFrame(() => { shown[key] = performance.now(); });
  };
  new MutationObserver(() => {
    if (document.querySelector('main ul.cards li.card')) note('catalogue');
    for (const card of document.querySelectorAll('main li[data-order]')) note(`order ${card.dataset.order} ${card.dataset.status}`);
  }).observe(document, {childList: true, subtree: true});
})();"""
SHOWN = "key => typeof window.__benchShown?.[key] === 'number'"
# When the watched element was shown, and the last fetch of a path: [whole, from the request's sending]
# (Resource Timing has no method: the POST of /orders is the entry without a query, the list's GET has one).
FETCHED = """([key, path, query]) => {
  const entries = performance.getEntriesByType('resource').filter((e) => {
    const url = new URL(e.name);
    return url.pathname === path && (url.search !== '') === query;
  });
  const last = entries[entries.length - 1];
  return [window.__benchShown[key], last ? [last.duration, last.responseEnd - last.requestStart] : null];
}"""
# The time of the next click (its event's timestamp, on the same clock), and a clean Resource Timing buffer
# (it keeps 250 entries).
ARM_CLICK = """() => {
  window.__benchClick = null;
  performance.clearResourceTimings();
  document.addEventListener('click', (event) => { window.__benchClick = event.timeStamp; }, {capture: true, once: true});
}"""
TIMEOUT_MS = 15_000


def new_page(context, problems):
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.add_init_script(WATCH)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return page


def catalogue_load(page):
    """One load of the catalogue: (shown, its GET /products), in ms from the navigation's start."""
    page.goto(f"{GATEWAY}/#/")
    page.wait_for_function(SHOWN, arg="catalogue")
    expect(page.locator("main ul.cards li.card").first).to_be_visible()
    shown, api = page.evaluate(FETCHED, ["catalogue", "/products", True])
    assert api is not None, "the page's GET /products left no Resource Timing entry"
    return shown, api


def add_fetch(samples, measure, api):
    samples[measure].append(api[0])
    samples[f"{measure}_sent"].append(api[1])


def catalogue_loads(browser, count, samples, problems):
    """One unmeasured load first (Chromium's own first-run costs), then per load a fresh context: a cold
    load, then a warm one from a blank page in the same context (the hashed assets come from its cache)."""
    for i in range(count + 1):
        context = browser.new_context()
        try:
            page = new_page(context, problems)
            cold, cold_api = catalogue_load(page)
            page.goto("about:blank")
            warm, warm_api = catalogue_load(page)
        finally:
            context.close()
        if i == 0:
            continue
        samples["catalogue_cold"].append(cold)
        samples["catalogue_warm"].append(warm)
        add_fetch(samples, "catalogue_api", cold_api)
        add_fetch(samples, "catalogue_api", warm_api)


def place_orders(browser, email, product, count, samples, problems):
    """The customer puts one of the product in the cart and places the order, `count` times in one tab."""
    context = browser.new_context()
    try:
        page = new_page(context, problems)
        trip = Journey(page, folder=None)
        trip.log_in(email, PASSWORD)
        for _ in range(count):
            trip.open(f"#/product/{product}")
            page.get_by_role("button", name="Add to cart", exact=True).click()
            expect(page.locator("#cart-count")).to_have_text("(1)")
            page.get_by_role("link", name="Cart").click()
            trip.heading("Your cart")
            place = page.get_by_role("button", name="Place order")
            expect(place).to_be_enabled()
            page.evaluate(ARM_CLICK)
            with page.expect_response(lambda r: r.request.method == "POST"
                                      and urllib.parse.urlsplit(r.url).path == "/orders") as answer:
                place.click()
            assert answer.value.ok, f"POST /orders from the page answered {answer.value.status}"
            key = f"order {answer.value.json()['data']['id']} PENDING"
            page.wait_for_function(SHOWN, arg=key)
            shown, api = page.evaluate(FETCHED, [key, "/orders", False])
            clicked = page.evaluate("() => window.__benchClick")
            assert clicked is not None and api is not None, "the click or the POST went unrecorded"
            samples["order"].append(shown - clicked)
            add_fetch(samples, "order_api", api)
    finally:
        context.close()


def api_latencies(token, product, count, samples):
    """The same two calls from a plain client, one at a time on one keep-alive connection, after a few
    unmeasured ones."""
    url = urllib.parse.urlsplit(GATEWAY)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=TIMEOUT_MS / 1000)
    # The page's headers that change the server's work: it takes gzip, so the gateway compresses the list.
    page_like = {"Accept": "application/json", "Accept-Encoding": "gzip"}
    auth = {**page_like, "Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def timed(method, path, body=None, headers=None):
        start = time.perf_counter()
        connection.request(method, path, body=body, headers=headers or {})
        res = connection.getresponse()
        res.read()
        elapsed = (time.perf_counter() - start) * 1000
        assert 200 <= res.status < 300, f"{method} {path} answered {res.status}"
        return elapsed

    def order():
        body = {"request_id": f"bench-shop-{uuid.uuid4()}", "description": "bench order",
                "items": [{"product_id": product, "quantity": 1}]}
        return timed("POST", "/orders", json.dumps(body), auth)

    try:
        for i in range(count + 10):
            products, orders = timed("GET", CATALOGUE_REQUEST, headers=page_like), order()
            if i >= 10:
                samples["api_products"].append(products)
                samples["api_orders"].append(orders)
    finally:
        connection.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--product", required=True, type=int, help="a product with stock for every order")
    parser.add_argument("--loads", type=int, default=20, help="catalogue loads, each cold then warm")
    parser.add_argument("--orders", type=int, default=10, help="orders placed through the page")
    parser.add_argument("--api-requests", type=int, default=100, help="requests of each call from the plain client")
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    samples = {key: [] for key in ("catalogue_cold", "catalogue_warm", "catalogue_api", "catalogue_api_sent", "order",
                                   "order_api", "order_api_sent", "api_products", "api_orders")}
    problems = []
    email, token = signed_up_user()
    with chromium() as browser:
        version = browser.version
        catalogue_loads(browser, args.loads, samples, problems)
        place_orders(browser, email, args.product, args.orders, samples, problems)
    api_latencies(token, args.product, args.api_requests, samples)
    assert not problems, problems
    args.out.write_text(json.dumps({"chromium": version, "samples": samples}, indent=1) + "\n")
    print(f"Chromium {version}: {args.loads} catalogue loads cold and warm, {args.orders} orders placed, "
          f"{args.api_requests} API calls of each kind")


if __name__ == "__main__":
    main()
