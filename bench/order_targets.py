#!/usr/bin/env python3
"""Prints vegeta targets (its JSON format, one per line) for POST /orders, each with a request_id of its
own: a repeated request_id would be answered as a replay without placing an order.

    order_targets.py --url http://127.0.0.1:8000/orders --token T --product 7 --prefix run1 --count 1500
"""
import argparse
import base64
import json
import sys


def target(method, url, token, body=None):
    """One vegeta target as a JSON line, sent with the token; the body, if any, as JSON."""
    header = {"Authorization": [f"Bearer {token}"]}
    line = {"method": method, "url": url, "header": header}
    if body is not None:
        header["Content-Type"] = ["application/json"]
        line["body"] = base64.b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()
    return json.dumps(line, separators=(",", ":")) + "\n"


def order(url, token, product, request_id):
    """POST /orders for one item of the product."""
    body = {"request_id": request_id, "description": "bench order", "items": [{"product_id": product, "quantity": 1}]}
    return target("POST", url, token, body)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--product", required=True, type=int)
    parser.add_argument("--prefix", required=True, help="makes the request ids of this run unique")
    parser.add_argument("--count", required=True, type=int)
    args = parser.parse_args()
    for i in range(1, args.count + 1):
        sys.stdout.write(order(args.url, args.token, args.product, f"{args.prefix}-{i}"))


if __name__ == "__main__":
    main()
