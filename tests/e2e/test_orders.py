"""The catalog and order journey through the gateway: an admin stocks a product, a customer orders,
pays or cancels, stock follows and the emails arrive (issue: catalog and orders on Kafka)."""
import time
import uuid

from agora_http import ADMIN_EMAIL, ADMIN_PASSWORD, call, wait_for_mail
from test_signup import signed_up_user


def admin_token():
    res = call("POST", "/auth/login", {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    assert res.status == 200, res.body
    return res.json()["data"]["access_token"]


def new_product(quantity=10, price="25000.5"):
    res = call("POST", "/products", {"name": f"e2e shoe {uuid.uuid4().hex[:8]}", "description": "red, size 42",
                                      "price": price, "quantity": quantity}, token=admin_token())
    assert res.status == 201, res.body
    return res.json()["data"]


def stock_of(product_id):
    res = call("GET", f"/products/{product_id}")
    assert res.status == 200, res.body
    return res.json()["data"]["quantity"]


def wait_until(check, deadline=30.0):
    until = time.monotonic() + deadline
    while time.monotonic() < until:
        if check():
            return True
        time.sleep(0.2)
    return check()


def place_order(token, items, request_id=None):
    return call("POST", "/orders", {"request_id": request_id or uuid.uuid4().hex, "description": "e2e order",
                                    "items": items}, token=token)


def test_browsing_is_public_and_changes_need_the_admin():
    product = new_product()
    assert product["price"] == "25000.5"
    listing = call("GET", "/products?limit=5&page=1")
    assert listing.status == 200
    assert listing.json()["paging"]["links"]["self"].startswith("http://localhost:")
    _, customer = signed_up_user()
    res = call("PUT", f"/products/{product['id']}", {"name": "x", "description": "y", "price": "1", "quantity": 1},
               token=customer)
    assert res.status == 403


def test_order_pay_and_the_success_mail():
    email, token = signed_up_user()
    product = new_product(quantity=10)
    res = place_order(token, [{"product_id": product["id"], "quantity": 2}, {"product_id": product["id"], "quantity": 1}])
    assert res.status == 201, res.body
    order = res.json()["data"]
    assert order["status"] == "PENDING"
    assert stock_of(product["id"]) == 7  # reserved at once, duplicate ids merged
    paid = call("POST", "/orders/pay", {"request_id": uuid.uuid4().hex, "order_id": order["id"]}, token=token)
    assert paid.status == 200, paid.body
    assert paid.json()["data"] == {"order_id": order["id"], "status": "SUCCESS"}
    wait_for_mail(email, "[Agora] Order Success")
    again = call("POST", "/orders/cancel", {"request_id": uuid.uuid4().hex, "order_id": order["id"]}, token=token)
    assert (again.status, again.json()["message"]) == (409, "order already paid")


def test_cancel_restores_stock_and_mails():
    email, token = signed_up_user()
    product = new_product(quantity=5)
    order = place_order(token, [{"product_id": product["id"], "quantity": 5}]).json()["data"]
    assert stock_of(product["id"]) == 0
    refused = place_order(token, [{"product_id": product["id"], "quantity": 1}])
    assert (refused.status, refused.json()["message"]) == (409, "insufficient product stock")
    res = call("POST", "/orders/cancel", {"request_id": uuid.uuid4().hex, "order_id": order["id"]}, token=token)
    assert res.status == 200 and res.json()["data"]["status"] == "CANCELLED"
    assert wait_until(lambda: stock_of(product["id"]) == 5)
    wait_for_mail(email, "[Agora] Order Cancelled")


def test_orders_are_private_and_replays_create_nothing():
    _, alice = signed_up_user()
    _, bob = signed_up_user()
    product = new_product(quantity=10)
    request_id = uuid.uuid4().hex
    first = place_order(alice, [{"product_id": product["id"], "quantity": 1}], request_id)
    replay = place_order(alice, [{"product_id": product["id"], "quantity": 1}], request_id)
    assert first.status == replay.status == 201
    assert first.json()["data"]["id"] == replay.json()["data"]["id"]
    assert stock_of(product["id"]) == 9
    order_id = first.json()["data"]["id"]
    assert call("GET", f"/orders/{order_id}", token=bob).status == 404
    pay = call("POST", "/orders/pay", {"request_id": uuid.uuid4().hex, "order_id": order_id}, token=bob)
    assert (pay.status, pay.json()["message"]) == (404, "order not found")
    listing = call("GET", "/orders", token=bob).json()
    assert all(o["id"] != order_id for o in listing["data"])
