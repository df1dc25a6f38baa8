"""Where api/openapi.yaml and the server disagreed, checked both ways through the gateway: a value the
description allows is taken, a value it forbids is refused, and the documented answer is the one given.
The description once allowed a price of "0" that the server refuses, forbade the null and the empty
query values the server takes as absent, and named a message for a non-numeric page that the server
never sends."""
import pathlib
import uuid

import jsonschema_rs
import yaml

from agora_http import call
from test_orders import admin_token, new_product
from test_signup import signed_up_user

SPEC = yaml.safe_load((pathlib.Path(__file__).resolve().parents[2] / "api" / "openapi.yaml").read_text())


def allows(schema, value):
    """Whether `schema` (a fragment of the description, its $refs resolved within it) accepts `value`."""
    return jsonschema_rs.Draft202012Validator({**schema, "components": SPEC["components"]}).is_valid(value)


def component(name):
    return {"$ref": f"#/components/schemas/{name}"}


def query_parameter(path, name):
    return next(p for p in SPEC["paths"][path]["get"]["parameters"] if p.get("name") == name)["schema"]


def test_a_price_is_taken_exactly_when_the_description_allows_it():
    token = admin_token()
    for price in ("0", "0.00", "0.0", "0.01", "0.1", "0.10", "12.5", "12.50"):
        res = call("POST", "/products", {"name": f"price {uuid.uuid4().hex[:8]}", "description": "d",
                                         "price": price, "quantity": 1}, token=token)
        assert res.status in (201, 400), res.body
        assert (res.status == 201) == allows(component("MoneyInput"), price), (price, res.body)


def test_null_for_an_optional_field_is_allowed_and_taken_as_absent():
    body = {"name": f"null quantity {uuid.uuid4().hex[:8]}", "description": "d", "price": "1", "quantity": None}
    assert allows(component("ProductInput"), body)
    res = call("POST", "/products", body, token=admin_token())
    assert res.status == 201, res.body
    assert res.json()["data"]["quantity"] == 0

    product = new_product(quantity=1)
    order = {"request_id": uuid.uuid4().hex, "description": None,
             "items": [{"product_id": product["id"], "quantity": 1}]}
    assert allows(component("CreateOrderRequest"), order)
    _, customer = signed_up_user()
    res = call("POST", "/orders", order, token=customer)
    assert res.status == 201, res.body
    assert res.json()["data"]["description"] == ""


def test_empty_order_filters_are_allowed_and_taken_as_absent():
    _, customer = signed_up_user()
    for name, bad in (("start-date", "1-1-2025"), ("end-date", "2025-01-01"), ("status", "ABORTED")):
        schema = query_parameter("/orders", name)
        assert allows(schema, "") and not allows(schema, bad), name
        assert call("GET", f"/orders?{name}=", token=customer).status == 200, name
        assert call("GET", f"/orders?{name}={bad}", token=customer).status == 400, name


def test_a_page_that_is_not_a_number_gets_the_documented_answer():
    _, customer = signed_up_user()
    documented = SPEC["components"]["examples"]["PageNotNumeric"]["value"]
    examples = SPEC["paths"]["/orders"]["get"]["responses"]["400"]["content"]["application/json"]["examples"]
    assert examples["pageNotNumeric"] == {"$ref": "#/components/examples/PageNotNumeric"}
    for path in ("/orders?page=x", "/products?page=x"):
        res = call("GET", path, token=customer)
        assert (res.status, res.json()) == (400, documented), path
