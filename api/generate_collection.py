#!/usr/bin/env python3
"""Writes api/agora.postman_collection.json (Postman collection v2.1, runs in Postman, Insomnia or
newman) from api/openapi.yaml: each request takes its method, path, body and expected status from the
operation of that id; the table below only says the order, which values to fill in and which answers
to keep for the next requests (the token from login, the ids of a product and of the orders).

    api/generate_collection.py            # rewrite the collection
    api/generate_collection.py --check    # exit 1 when the committed one differs from the description

tests/e2e/test_request_collection.py checks that it is up to date and runs it with newman."""
import json
import pathlib
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
SPEC = HERE / "openapi.yaml"
OUT = HERE / "agora.postman_collection.json"
SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"

VARIABLES = {
    "baseUrl": "http://localhost:8000",
    "mailpitUrl": "http://localhost:8025",
    "password": "plum-orchard-lantern-42",
    "adminEmail": "admin@agora.local",
    "adminPassword": "admin-password",
    "email": "", "code": "", "codeTries": "0", "token": "", "adminToken": "",
    "productId": "", "orderId": "", "secondOrderId": "", "newProductId": "",
}

# Scripts shared by several steps (Postman's sandbox JavaScript, one line per entry).
KEEP = {
    "token": ["pm.collectionVariables.set('token', pm.response.json().data.access_token);"],
    "adminToken": ["pm.collectionVariables.set('adminToken', pm.response.json().data.access_token);"],
    "productId": ["const product = pm.response.json().data.find(p => p.quantity > 2);",
                  "pm.expect(product, 'a product with stock').to.be.an('object');",
                  "pm.collectionVariables.set('productId', product.id);"],
    "orderId": ["pm.collectionVariables.set('orderId', pm.response.json().data.id);"],
    "secondOrderId": ["pm.collectionVariables.set('secondOrderId', pm.response.json().data.id);"],
    "newProductId": ["pm.collectionVariables.set('newProductId', pm.response.json().data.id);"],
}
NEW_EMAIL = ["pm.collectionVariables.set('email', 'postman-' + Date.now() + '@example.com');"]

# (folder, title, operationId, path ids, body fields replaced, token variable, status when not the
# operation's success, scripts run after the answer, scripts run before the request)
STEPS = [
    ("Shopper", "Sign up", "register", {}, {"email": "{{email}}", "password": "{{password}}"}, None, None, [],
     NEW_EMAIL),
    ("Shopper", "Resend the code (refused: the minute after sign-up)", "resendVerification", {},
     {"email": "{{email}}"}, None, 429, [], []),
    ("Shopper", "Verify the email", "verifyEmail", {}, {"email": "{{email}}", "verification_token": "{{code}}"},
     None, None, [], []),
    ("Shopper", "Log in (keeps the token)", "login", {}, {"email": "{{email}}", "password": "{{password}}"}, None,
     None, KEEP["token"], []),
    ("Shopper", "Browse the catalogue (keeps a product with stock)", "listProducts", {}, None, None, None,
     KEEP["productId"], []),
    ("Shopper", "Read the product", "getProduct", {"id": "{{productId}}"}, None, None, None, [], []),
    ("Shopper", "Order two of it (keeps the order)", "createOrder", {},
     {"request_id": "{{$guid}}", "description": "Ordered from the request collection",
      "items": [{"product_id": "@productId@", "quantity": 2}]}, "token", None, KEEP["orderId"], []),
    ("Shopper", "Read the order", "getOrder", {"id": "{{orderId}}"}, None, "token", None, [], []),
    ("Shopper", "Pay it", "payOrder", {}, {"request_id": "{{$guid}}", "order_id": "@orderId@"}, "token", None, [],
     []),
    ("Shopper", "Order one more (keeps the second order)", "createOrder", {},
     {"request_id": "{{$guid}}", "description": "To be cancelled",
      "items": [{"product_id": "@productId@", "quantity": 1}]}, "token", None, KEEP["secondOrderId"], []),
    ("Shopper", "Cancel the second order", "cancelOrder", {}, {"request_id": "{{$guid}}", "order_id": "@secondOrderId@"},
     "token", None, [], []),
    ("Shopper", "List my orders", "listOrders", {}, None, "token", None, [], []),
    ("Admin", "Log in as the local admin (keeps the admin token)", "login", {},
     {"email": "{{adminEmail}}", "password": "{{adminPassword}}"}, None, None, KEEP["adminToken"], []),
    ("Admin", "Add a product (keeps its id)", "createProduct", {}, {}, "adminToken", None, KEEP["newProductId"], []),
    ("Admin", "Change it", "updateProduct", {"id": "{{newProductId}}"}, {}, "adminToken", None, [], []),
    ("Admin", "Its history", "getProductHistory", {"id": "{{newProductId}}"}, None, "adminToken", None, [], []),
    ("Admin", "Delete it", "deleteProduct", {"id": "{{newProductId}}"}, None, "adminToken", None, [], []),
    ("Platform", "Health", "getHealth", {}, None, None, None, [], []),
    ("Platform", "Readiness", "getReady", {}, None, None, None, [], []),
    ("Platform", "Token signing keys", "getJwks", {}, None, None, None, [], []),
    ("Platform", "The API description", "getOpenApiDescription", {}, None, None, None, [], []),
]

# Between signing up and verifying: the code arrives by email, read here from Mailpit's API (a bounded
# retry while the email is on its way).
READ_CODE = {
    "name": "Read the verification code from Mailpit",
    "event": [
        {"listen": "prerequest", "script": {"type": "text/javascript", "exec": [
            "setTimeout(() => {}, 500);"]}},
        {"listen": "test", "script": {"type": "text/javascript", "exec": [
            "const found = (pm.response.json().messages || []).map(m => /code is: (\\d{6})/.exec(m.Snippet))"
            ".find(Boolean);",
            "const tries = Number(pm.collectionVariables.get('codeTries')) + 1;",
            "pm.collectionVariables.set('codeTries', String(tries));",
            "if (found) { pm.collectionVariables.set('code', found[1]); }",
            "else if (tries < 20) { postman.setNextRequest(pm.info.requestName); }",
            "pm.test('the code arrives within 20 tries', () => pm.expect(found || tries < 20).to.be.ok);"]}},
    ],
    "request": {"method": "GET", "header": [],
                "url": {"raw": "{{mailpitUrl}}/api/v1/search?query=to:{{email}}", "host": ["{{mailpitUrl}}"],
                        "path": ["api", "v1", "search"], "query": [{"key": "query", "value": "to:{{email}}"}]}},
}


def operations(spec):
    found = {}
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if isinstance(op, dict) and "operationId" in op:
                found[op["operationId"]] = (method.upper(), path, op)
    return found


def request_body(op, fields):
    example = dict(op["requestBody"]["content"]["application/json"]["example"])
    example.update(fields)
    raw = json.dumps(example, indent=2, ensure_ascii=False)
    # Numbers kept in variables go in unquoted, so the body stays JSON of the right types.
    for name in ("productId", "orderId", "secondOrderId"):
        raw = raw.replace(f'"@{name}@"', "{{" + name + "}}")
    return raw


def item(ops, step):
    _, title, op_id, ids, fields, token, status, after, before = step
    method, path, op = ops[op_id]
    for name, value in ids.items():
        path = path.replace("{" + name + "}", value)
    expected = status or int(next(code for code in op["responses"] if code.startswith("2")))
    headers = []
    request = {"method": method, "header": headers, "description": op.get("summary", "")}
    if fields is not None:
        headers.append({"key": "Content-Type", "value": "application/json"})
        request["body"] = {"mode": "raw", "raw": request_body(op, fields), "options": {"raw": {"language": "json"}}}
    if token:
        headers.append({"key": "Authorization", "value": "Bearer {{" + token + "}}"})
    request["url"] = {"raw": "{{baseUrl}}" + path, "host": ["{{baseUrl}}"], "path": path.strip("/").split("/")}
    tests = [f"pm.test('{op_id} answers {expected}', () => pm.response.to.have.status({expected}));"] + after
    events = [{"listen": "test", "script": {"type": "text/javascript", "exec": tests}}]
    if before:
        events.insert(0, {"listen": "prerequest", "script": {"type": "text/javascript", "exec": before}})
    return {"name": title, "event": events, "request": request}


def collection():
    spec = yaml.safe_load(SPEC.read_text())
    ops = operations(spec)
    folders = {}
    for step in STEPS:
        folders.setdefault(step[0], []).append(item(ops, step))
        if step[2] == "register":
            folders[step[0]].append(READ_CODE)
    return {
        "info": {"name": spec["info"]["title"], "description": "Generated from api/openapi.yaml by "
                 "api/generate_collection.py; run the folders in order (newman: `newman run` this file).",
                 "schema": SCHEMA},
        "item": [{"name": name, "item": items} for name, items in folders.items()],
        "variable": [{"key": k, "value": v} for k, v in VARIABLES.items()],
    }


def main():
    text = json.dumps(collection(), indent=2, ensure_ascii=False) + "\n"
    if sys.argv[1:] == ["--check"]:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT.name} is not what api/openapi.yaml gives: run api/generate_collection.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
