"""Text no route can keep, sent through the gateway: U+0000 in a text field is a 400 naming the field,
never a 500, never stored cut short, and never a reason for anyone else's request to fail (issue: a NUL
character failed other customers' orders and a product name "abc\\0def" was stored as "abc")."""
import threading
import uuid

from agora_http import call
from test_orders import admin_token, new_product, place_order, stock_of
from test_signup import signed_up_user


def invalid_input(*fields):
    return {"message": "input validation error",
            "errors": [{"field": field, "message": "invalid input"} for field in fields]}


def test_nul_in_an_order_is_refused_and_the_honest_orders_alongside_all_succeed():
    customers = [signed_up_user()[1] for _ in range(3)]
    product = new_product(quantity=100)
    item = [{"product_id": product["id"], "quantity": 1}]
    honest = [(customers[i % 3], {"request_id": uuid.uuid4().hex, "description": "honest", "items": item})
              for i in range(30)]
    poisoned = [(customers[i % 3], body) for i in range(5) for body in (
        {"request_id": f"nul\x00{uuid.uuid4().hex}", "description": "poisoned", "items": item},
        {"request_id": uuid.uuid4().hex, "description": "poisoned\x00", "items": item})]
    requests = honest + poisoned
    answers = [None] * len(requests)
    start = threading.Barrier(len(requests))

    def send(i):
        token, body = requests[i]
        start.wait()
        answers[i] = call("POST", "/orders", body, token=token)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(requests))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    statuses = [a.status for a in answers[:len(honest)]]
    assert statuses == [201] * len(honest), [a.body for a in answers[:len(honest)] if a.status != 201]
    for (_, body), answer in zip(poisoned, answers[len(honest):]):
        field = "request_id" if "\x00" in body["request_id"] else "description"
        assert (answer.status, answer.json()) == (400, invalid_input(field)), body
    assert stock_of(product["id"]) == 100 - len(honest)


def test_request_ids_differing_after_a_nul_are_refused_not_taken_for_a_replay():
    _, token = signed_up_user()
    product = new_product(quantity=5)
    order = place_order(token, [{"product_id": product["id"], "quantity": 1}]).json()["data"]
    for path in ("/orders/pay", "/orders/cancel"):
        for request_id in ("same\x00one", "same\x00two"):
            res = call("POST", path, {"request_id": request_id, "order_id": order["id"]}, token=token)
            assert (res.status, res.json()) == (400, invalid_input("request_id")), (path, request_id)
    assert call("GET", f"/orders/{order['id']}", token=token).json()["data"]["status"] == "PENDING"


def test_a_product_name_with_nul_is_refused_not_stored_cut_short():
    name = f"abc{uuid.uuid4().hex[:8]}"
    res = call("POST", "/products", {"name": name + "\x00def", "description": "d", "price": "1", "quantity": 1},
               token=admin_token())
    assert (res.status, res.json()) == (400, invalid_input("name"))
    listing = call("GET", f"/products?name={name}")
    assert listing.status == 200 and listing.json()["data"] == []
    search = call("GET", f"/products?name={name}%00def")
    assert (search.status, search.json()) == (400, invalid_input("name"))


def test_nul_in_the_account_routes_is_refused():
    bodies = {
        "/auth/register": ({"email": "nul@agora.test", "password": "long enough\x00"}, "password"),
        "/auth/login": ({"email": "nul\x00@agora.test", "password": "long enough"}, "email"),
        "/auth/verify": ({"email": "nul@agora.test", "verification_token": "123456\x00"}, "verification_token"),
        "/auth/resend-verification": ({"email": "\x00nul@agora.test"}, "email"),
    }
    for path, (body, field) in bodies.items():
        res = call("POST", path, body)
        assert (res.status, res.json()) == (400, invalid_input(field)), path
