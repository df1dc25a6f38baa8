#!/usr/bin/env python3
"""Prints vegeta targets (its JSON format, one per line) for POST /orders, each with a request_id of its
own: a repeated request_id would be answered as a replay without placing an order.

    order_targets.py --url http://127.0.0.1:8000/orders --token T --product 7 --prefix run1 --count 1500
"""
import argparse
import base64
import json
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--product", required=True, type=int)
    parser.add_argument("--prefix", required=True, help="makes the request ids of this run unique")
    parser.add_argument("--count", required=True, type=int)
    args = parser.parse_args()
    header = {"Authorization": [f"Bearer {args.token}"], "Content-Type": ["application/json"]}
    out = sys.stdout
    for i in range(1, args.count + 1):
        body = {"request_id": f"{args.prefix}-{i}", "description": "bench order",
                "items": [{"product_id": args.product, "quantity": 1}]}
        target = {"method": "POST", "url": args.url, "header": header,
                  "body": base64.b64encode(json.dumps(body, separators=(",", ":")).encode()).decode()}
        out.write(json.dumps(target, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
