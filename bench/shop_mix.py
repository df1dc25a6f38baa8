#!/usr/bin/env python3
"""A shopper's mixed workload for the `shop-mix` scenario of `make bench` (standard library only): signs
the shoppers up, then prints vegeta targets (its JSON format, one per line) for the pending orders a mix
pays and cancels, and for the mix itself.

    AGORA_GATEWAY_URL=http://127.0.0.1:8000 AGORA_MAILPIT_URL=http://127.0.0.1:8025 \\
        shop_mix.py shoppers --count 100 --out tokens.txt
    shop_mix.py pool --url http://127.0.0.1:8000 --tokens tokens.txt --product 7 --prefix run1 --count 20000
    shop_mix.py mix --url http://127.0.0.1:8000 --tokens tokens.txt --product 7 --prefix run1 --count 20000 \\
        --catalogue ids.txt --pool pool.tsv

A mix of `count` requests is laid out in blocks of 100, each with every route's share (MIX) in a shuffled
order, so that any first part of it, all that a closed loop may send, is the mix too. The layout depends
on the prefix and the count only, so `pool` and `mix` lay it out alike: `pool` places one order for each
pay and cancel of the mix, spread over the shoppers, and `mix` gives each pay and cancel an order of that
pool of its own (pool.tsv: request_id and order id of the pool's PENDING orders), sent by its owner.
Every other request is a shopper's drawn at random, with their token, as the storefront sends it.
"""
import argparse
import concurrent.futures
import random
import sys
import urllib.parse
from pathlib import Path

from order_targets import order, target

ROOT = Path(__file__).resolve().parents[1]
# The routes and their shares of each block of 100, modelled on how people shop: mostly the catalogue's
# pages and searches, then product pages; few orders, fewer of them paid or cancelled.
MIX = (("catalogue", 50), ("search", 20), ("product", 20), ("order", 5), ("pay", 3), ("cancel", 2))
# The routes that take an order of the pool each.
POOLED = ("pay", "cancel")
# The storefront's page (services/gateway/web/catalogue.js), for pages and searches alike.
PAGE_SIZE = 10
# Sign-ups in flight at once: each mostly waits for its mail.
SIGN_UPS = 8


def route_of(method, url):
    """The route of the mix a request belongs to (how the report groups vegeta's results)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path.rstrip("/")
    if method == "GET" and path == "/products":
        return "search" if "name" in urllib.parse.parse_qs(parts.query) else "catalogue"
    if method == "GET" and path.startswith("/products/"):
        return "product"
    if method == "POST":
        return {"/orders": "order", "/orders/pay": "pay", "/orders/cancel": "cancel"}.get(path, "other")
    return "other"


def layout(prefix, count):
    """The routes of the mix's requests, in order."""
    rng = random.Random(f"{prefix}-layout")
    block = [route for route, share in MIX for _ in range(share)]
    routes = []
    while len(routes) < count:
        rng.shuffle(block)
        routes += block
    return routes[:count]


def pool_size(routes):
    """The orders the pool needs for these routes: one per pay and cancel."""
    return sum(route in POOLED for route in routes)


def read_pool(path, prefix, size):
    """The pool's orders by their place in it: (shopper, order id); dies unless every one is PENDING."""
    orders = {}
    for line in Path(path).read_text().splitlines():
        request_id, order_id = line.split("\t")
        shopper, place = request_id.removeprefix(f"{prefix}-pool-").split("-")
        orders[int(place)] = (int(shopper), int(order_id))
    missing = [place for place in range(size) if place not in orders]
    if missing:
        sys.exit(f"shop_mix.py: {len(missing)} of the {size} orders of the pool are not PENDING")
    return [orders[place] for place in range(size)]


def sign_up(args):
    # The end-to-end suite's sign-up: register, the code from Mailpit's copy of the mail, verify, log in.
    sys.path.insert(0, str(ROOT / "tests" / "e2e"))
    from test_signup import signed_up_user

    with concurrent.futures.ThreadPoolExecutor(SIGN_UPS) as pool:
        tokens = [token for _, token in pool.map(lambda _: signed_up_user(), range(args.count))]
    Path(args.out).write_text("\n".join(tokens) + "\n")
    print(f"{len(tokens)} shoppers signed up")


def pool_targets(args, tokens):
    orders = f"{args.url}/orders"
    for place in range(pool_size(layout(args.prefix, args.count))):
        shopper = place % len(tokens)
        sys.stdout.write(order(orders, tokens[shopper], args.product, f"{args.prefix}-pool-{shopper}-{place}"))


def mix_targets(args, tokens):
    rng = random.Random(args.prefix)
    routes = layout(args.prefix, args.count)
    pool = iter(read_pool(args.pool, args.prefix, pool_size(routes)))
    catalogue = [int(v) for v in Path(args.catalogue).read_text().split()]
    pages = range(1, -(-len(catalogue) // PAGE_SIZE) + 1)
    # The first pages are seen most: page p is drawn in proportion to 1/p.
    page_weights = [1 / page for page in pages]
    products = f"{args.url}/products"
    for i, route in enumerate(routes):
        shopper = rng.randrange(len(tokens))
        query = {"limit": PAGE_SIZE, "page": 1}
        if route == "catalogue":
            query["page"] = rng.choices(pages, page_weights)[0]
            line = target("GET", f"{products}?{urllib.parse.urlencode(query)}", tokens[shopper])
        elif route == "search":
            # What a shopper types of a name ('bench product N'): 1 to 3 digits of a number, matching from
            # a hundred-odd products down to one.
            query["name"] = "product " + str(rng.randint(1, len(catalogue)))[:rng.randint(1, 3)]
            line = target("GET", f"{products}?{urllib.parse.urlencode(query)}", tokens[shopper])
        elif route == "product":
            line = target("GET", f"{products}/{rng.choice(catalogue)}", tokens[shopper])
        elif route == "order":
            line = order(f"{args.url}/orders", tokens[shopper], args.product, f"{args.prefix}-order-{i}")
        else:
            owner, order_id = next(pool)
            line = target("POST", f"{args.url}/orders/{route}", tokens[owner],
                          {"request_id": f"{args.prefix}-{route}-{i}", "order_id": order_id})
        sys.stdout.write(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    shoppers = commands.add_parser("shoppers", help="sign shoppers up; their tokens, one a line, to --out")
    shoppers.add_argument("--count", required=True, type=int)
    shoppers.add_argument("--out", required=True)
    for name, what in (("pool", "the pool's orders"), ("mix", "the mix")):
        command = commands.add_parser(name, help=f"print the targets of {what}")
        command.add_argument("--url", required=True, help="the gateway")
        command.add_argument("--tokens", required=True, help="the shoppers' tokens, one a line")
        command.add_argument("--product", required=True, type=int, help="the product ordered")
        command.add_argument("--prefix", required=True, help="makes the request ids of this mix unique")
        command.add_argument("--count", required=True, type=int, help="requests of the mix")
    commands.choices["mix"].add_argument("--catalogue", required=True, help="the catalogue's product ids")
    commands.choices["mix"].add_argument("--pool", required=True, help="the pool's request ids and order ids")
    args = parser.parse_args()
    if args.command == "shoppers":
        sign_up(args)
        return
    tokens = Path(args.tokens).read_text().split()
    (pool_targets if args.command == "pool" else mix_targets)(args, tokens)


if __name__ == "__main__":
    main()
