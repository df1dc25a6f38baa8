"""The services behind the gateway take an identity only under the gateway's signature, and their internal
routes only from each other (docs/adr/0010): a caller who reaches a service's own port directly with
forged identity headers is refused, and the gateway never forwards a client to an internal route."""
import time
import uuid

import pytest

from agora_http import ORDER, PRODUCT, call

# Calls the services on their own ports, which only the local platform publishes.
pytestmark = pytest.mark.local

FORGED_ADMIN = {"X-User-ID": "1", "X-User-Role": "admin", "X-Email": "admin@agora.local"}


def test_forged_admin_headers_on_the_product_port_are_refused():
    name = f"forged {uuid.uuid4().hex[:8]}"
    body = {"name": name, "description": "never stored", "price": "1", "quantity": 1}
    now = int(time.time())
    for headers in (FORGED_ADMIN, {**FORGED_ADMIN, "X-Agora-Signature": f"v1 gateway {now} {'0' * 64}"}):
        res = call("POST", "/products", body, headers=headers, base=PRODUCT)
        assert res.status == 401, res.body
        assert res.json() == {"message": "unauthorized"}
    # Nothing was created: the catalogue, read through the gateway, does not know the name.
    listing = call("GET", f"/products?name={name.replace(' ', '%20')}")
    assert listing.status == 200, listing.body
    assert listing.json()["data"] == []
    # Browsing the product port without an identity still works (the health checks and benchmarks do it).
    assert call("GET", "/products?limit=1", base=PRODUCT).status == 200


def test_forged_identity_on_the_order_port_is_refused():
    res = call("GET", "/orders", headers={"X-User-ID": "1", "X-User-Role": "customer"}, base=ORDER)
    assert res.status == 401, res.body
    assert res.json() == {"message": "unauthorized"}


def test_internal_routes_refuse_calls_without_a_services_signature():
    reserve = {"reservation_id": 987654321, "items": [{"product_id": 1, "quantity": 1}]}
    for method, path, body, base in (("POST", "/internal/reservations", reserve, PRODUCT),
                                     ("GET", "/internal/reservations/987654321", None, PRODUCT),
                                     ("POST", "/internal/reservations/987654321/release", {}, PRODUCT),
                                     ("GET", "/internal/orders/1", None, ORDER)):
        for headers in ({}, FORGED_ADMIN):
            res = call(method, path, body, headers=headers, base=base)
            assert res.status == 401, f"{method} {path}: {res.status} {res.body}"
            assert res.json() == {"message": "unauthorized"}


def test_the_gateway_never_forwards_to_internal_routes():
    for method, path in (("GET", "/internal/orders/1"), ("POST", "/internal/reservations"),
                         ("GET", "/auth/internal/orders/1"), ("POST", "/auth/internal/reservations")):
        res = call(method, path, {} if method == "POST" else None)
        assert res.status == 404, f"{method} {path}: {res.status} {res.body}"
        assert res.json() == {"message": "route not found"}
